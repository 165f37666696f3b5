"""The service's REST API against a real PostgreSQL, a real MLflow store and Airflow's REST API doubled at the
HTTP level, over the crypto_forecast world of the `served` fixture."""

import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service import registry
from service.api.app import create_app

PROJECT, MODEL = "crypto_forecast", "crypto_forecast-KRW-BTC"


def test_health_reports_each_component(client, monkeypatch):
    answer = client.get("/health").json()
    assert answer == {
        "status": "ok",
        **{part: {"status": "ok", "detail": None} for part in ("database", "mlflow", "airflow")},
    }

    monkeypatch.setenv("AIRFLOW_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    answer = client.get("/health").json()
    assert answer["status"] == "degraded" and answer["database"]["status"] == answer["mlflow"]["status"] == "ok"
    assert answer["airflow"]["status"] == "error" and "unreachable" in answer["airflow"]["detail"]


def test_projects_and_their_workflows_with_last_run(client, airflow_server):
    assert {
        "name": PROJECT,
        "workflows": [f"{PROJECT}_{kind}_wf" for kind in ("data", "train", "inference", "monitoring")],
    } in client.get("/projects").json()
    airflow_server.add_run(f"{PROJECT}_data_wf", {}, "scheduled", state="success")

    workflows = {workflow["kind"]: workflow for workflow in client.get(f"/projects/{PROJECT}/workflows").json()}
    assert set(workflows) == {"data", "train", "inference", "monitoring"} and all(
        w["dag_file"] for w in workflows.values()
    )
    assert workflows["data"]["last_run"]["state"] == "success" and workflows["train"]["last_run"] is None
    assert client.get("/projects/no_such_project/workflows").status_code == 404


def test_trigger_needs_the_token_and_reaches_airflow_with_its_conf(client, airflow_server, monkeypatch, auth):
    path, conf = f"/projects/{PROJECT}/workflows/train/runs", {"conf": {"reason": "api test", "config": "smoke"}}
    assert client.post(path, json=conf).status_code == 401
    assert client.post(path, json=conf, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(f"/projects/{PROJECT}/workflows/nightly/runs", json=conf, headers=auth).status_code == 404

    answer = client.post(path, json=conf, headers=auth)
    assert answer.status_code == 201
    assert answer.json()["dag_id"] == f"{PROJECT}_train_wf" and answer.json()["conf"] == conf["conf"]
    [trigger] = [r for r in airflow_server.requests if r["method"] == "POST" and r["path"].endswith("/dagRuns")]
    assert trigger["headers"]["Authorization"].removeprefix("Bearer ") in airflow_server.tokens

    monkeypatch.delenv("API_TOKEN")
    assert client.post(path, json=conf, headers=auth).status_code == 403


def test_runs_one_run_with_task_states_and_a_task_log(client, airflow_server):
    created = airflow_server.add_run(f"{PROJECT}_inference_wf", {"start": "2024-03-01"}, "manual", state="success")
    base = f"/projects/{PROJECT}/workflows/inference/runs"

    assert [run["dag_run_id"] for run in client.get(base).json()] == [created["dag_run_id"]]
    one = client.get(f"{base}/{created['dag_run_id']}").json()
    assert (
        one["state"] == "success"
        and one["tasks"][0]["task_id"] == "run_stage"
        and one["tasks"][0]["state"] == "success"
    )
    log = client.get(f"{base}/{created['dag_run_id']}/tasks/run_stage/logs/1").json()
    assert log["content"][0]["event"] == "run_stage try 1: stage finished"
    assert client.get(f"{base}/manual__nope").status_code == 404
    assert client.get(base, params={"limit": 0}).status_code == 422
    assert [r["path"] for r in airflow_server.requests].count("/auth/token") == 1  # one token, reused


def test_airflow_refusing_the_credentials_is_a_clear_502(client, monkeypatch):
    monkeypatch.setenv("AIRFLOW_PASSWORD", "not-the-password")
    answer = client.get(f"/projects/{PROJECT}/workflows/train/runs")
    assert answer.status_code == 502 and "refused the credentials" in answer.json()["detail"]
    assert "not-the-password" not in answer.text


def test_monitoring_rows_and_summary(client, served):
    answer = client.get(f"/projects/{PROJECT}/monitoring", params={"limit": 5}).json()
    assert [row["window_end"][:16] for row in answer["rows"]] == [
        end.strftime("%Y-%m-%dT%H:%M") for end in reversed(served["monitor_ends"][-5:])
    ]
    assert sum(answer["summary"]["decisions"].values()) == len(served["monitor_ends"])
    assert answer["summary"]["latest"] == answer["rows"][0]["decision"]
    assert answer["rows"][0]["metrics"]["decay"]["limit"] == served["decay_factor"]


def test_models_promote_and_rollback_are_recorded(client, served, auth):
    [model] = client.get(f"/projects/{PROJECT}/models").json()
    assert model["model"] == MODEL and model["champion"]["version"] == "1" and model["challenger"]["version"] == "2"
    assert [event["action"] for event in model["events"]] == ["reject", "promote"]

    base = f"/projects/{PROJECT}/models/{MODEL}"
    assert client.post(f"{base}/promote", json={"version": "2", "reason": "by hand"}).status_code == 401
    assert client.post(f"{base}/promote", json={"version": "two", "reason": "by hand"}, headers=auth).status_code == 422
    assert client.post(f"{base}/promote", json={"version": "99", "reason": "by hand"}, headers=auth).status_code == 404
    promoted = client.post(f"{base}/promote", json={"version": "2", "reason": "v2 reads the new regime"}, headers=auth)
    assert (
        promoted.status_code == 200 and promoted.json()["to_version"] == "2" and promoted.json()["from_version"] == "1"
    )
    assert registry.version_by_alias(MODEL, registry.CHAMPION).version == 2

    rolled = client.post(f"{base}/rollback", json={"reason": "v2 misbehaves"}, headers=auth)
    assert rolled.status_code == 200 and rolled.json()["to_version"] == "1"
    assert registry.version_by_alias(MODEL, registry.CHAMPION).version == 1
    assert client.post(f"{base}/rollback", json={}, headers=auth).status_code == 409  # v1 replaced no champion

    [model] = client.get(f"/projects/{PROJECT}/models").json()
    assert [event["action"] for event in model["events"]][:2] == ["rollback", "promote"]
    assert "v2 reads the new regime" in model["events"][1]["reason"] and model["events"][0]["run_id"].startswith(
        "api__"
    )
    assert client.post(f"/projects/{PROJECT}/models/nope/rollback", json={}, headers=auth).status_code == 404


def test_predict_matches_the_stored_forecasts(client, served):
    from sqlalchemy import text

    from db_handler import get_engine
    from projects.crypto_forecast.utils.queries import read_features

    model = registry.load_model(registry.champion_uri(MODEL))
    columns = model.metadata.get_input_schema().input_names()
    start = served["train_end"]
    with get_engine().connect() as conn:
        rows = read_features(conn, "KRW-BTC", start, start + timedelta(hours=6), columns)
        stored = (
            conn.execute(
                text(
                    "SELECT predicted_log_return FROM crypto_forecast_predictions "
                    "WHERE target_time > :start ORDER BY target_time LIMIT 6"
                ),
                {"start": start},
            )
            .scalars()
            .all()
        )

    answer = client.post(f"/projects/{PROJECT}/predict", json={"rows": rows[columns].to_dict("records")})
    assert answer.status_code == 200 and answer.json()["model"] == MODEL and answer.json()["version"] == "1"
    assert [row["predicted_log_return"] for row in answer.json()["predictions"]] == pytest.approx(stored, rel=1e-9)


def test_predict_rejects_bad_input_clearly(client, served):
    path, row = f"/projects/{PROJECT}/predict", {"ret_1h": 0.01}
    answer = client.post(path, json={"rows": [row]})
    assert answer.status_code == 422 and "row 0: missing columns" in answer.json()["detail"]
    answer = client.post(path, json={"rows": [{**row, "rsi": 1.0}]})
    assert answer.status_code == 422 and "'rsi'" in answer.json()["detail"]
    assert client.post(path, json={"rows": []}).status_code == 422
    assert client.post(path, json={"rows": [{"ret_1h": "a lot"}]}).status_code == 422
    assert client.post(path, json={"model": "other", "rows": [row]}).status_code == 422


def test_predict_without_a_model_is_503_with_the_reason(client):
    answer = client.post("/projects/tumor_classifier/predict", json={"rows": [{"radius": 1.0}]})
    assert answer.status_code == 503 and "no registered model" in answer.json()["detail"]


def test_secrets_never_appear_in_responses(client, airflow_server, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-slack-token")
    bodies = [
        client.get(path).text
        for path in (
            "/health",
            "/projects",
            f"/projects/{PROJECT}/workflows",
            f"/projects/{PROJECT}/models",
            "/openapi.json",
        )
    ]
    for secret in (os.environ["AIRFLOW_PASSWORD"], os.environ["API_TOKEN"], "xoxb-secret-slack-token"):
        assert not any(secret in body for body in bodies)


def test_cors_is_off_unless_configured(served, airflow_server, monkeypatch):
    preflight = {"Origin": "http://dash.example", "Access-Control-Request-Method": "GET"}
    with TestClient(create_app()) as plain:
        assert "access-control-allow-origin" not in plain.options("/projects", headers=preflight).headers
    monkeypatch.setenv("API_CORS_ORIGINS", '["http://dash.example"]')
    with TestClient(create_app()) as allowed:
        assert (
            allowed.options("/projects", headers=preflight).headers["access-control-allow-origin"]
            == "http://dash.example"
        )


def test_dashboard_plots_show_the_stored_data(client, served):
    page = client.get(f"/dashboard/{PROJECT}")
    assert page.status_code == 200 and "champion v1" in page.text and 'id="plot-drift"' in page.text
    points = {}
    for name in ("outcomes", "error", "drift", "champions"):
        plot = client.get(f"/dashboard/{PROJECT}/plots/{name}.png")
        assert plot.status_code == 200 and plot.content[:8] == b"\x89PNG\r\n\x1a\n"
        points[name] = int(plot.headers["X-Plot-Points"])
    monitored = len(served["monitor_ends"])
    assert points["outcomes"] == 72 and points["error"] == monitored and points["drift"] > monitored
    assert points["champions"] >= 1
    assert client.get(f"/dashboard/{PROJECT}/plots/nope.png").status_code == 404
