"""The service's REST API against a real PostgreSQL, a real MLflow store and Airflow's REST API doubled at the
HTTP level: the served world (both projects, only read) and, for the moves of roles, a world of their own."""

import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.api.app import create_app
from service.models import registry
from service.models.mlflow_client import configure_mlflow
from tests.service.conftest import CRYPTO, CRYPTO_MODEL, MARKET, SHADOW_HOURS, TUMOR

KINDS = ["data", "train", "inference", "monitoring"]


def test_health_is_200_only_when_every_component_answers(client, monkeypatch):
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        **{part: {"status": "ok", "detail": None} for part in ("database", "mlflow", "airflow")},
    }

    monkeypatch.setenv("AIRFLOW_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    answer = client.get("/health")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "degraded" and body["database"]["status"] == body["mlflow"]["status"] == "ok"
    assert body["airflow"]["status"] == "error" and "unreachable" in body["airflow"]["detail"]


def test_projects_are_paged_and_each_names_its_partitions_models_and_workflows(client):
    answer = client.get("/projects").json()
    assert answer["total"] == 2 and [project["name"] for project in answer["items"]] == [CRYPTO, TUMOR]
    crypto = answer["items"][0]
    assert crypto["partitions"] == [{"name": MARKET, "model": CRYPTO_MODEL}] and crypto["baseline"] == "naive"
    assert crypto["workflows"] == [f"{CRYPTO}_{kind}_wf" for kind in KINDS]

    second = client.get("/projects", params={"limit": 1, "offset": 1}).json()
    assert second["total"] == 2 and [project["name"] for project in second["items"]] == [TUMOR]
    assert client.get(f"/projects/{TUMOR}").json()["partitions"] == [{"name": "all", "model": TUMOR}]
    assert client.get("/projects/no_such_project").status_code == 404


def test_workflows_show_the_last_run_of_each_or_why_it_is_unknown(client, airflow_server, monkeypatch):
    airflow_server.add_run(f"{CRYPTO}_data_wf", {"secret_param": "x"}, "scheduled", state="success")
    workflows = {workflow["kind"]: workflow for workflow in client.get(f"/projects/{CRYPTO}/workflows").json()}
    assert list(workflows) == KINDS and all(workflow["dag_file"] for workflow in workflows.values())
    assert workflows["data"]["last_run"]["state"] == "success" and workflows["train"]["last_run"] is None
    assert workflows["data"]["last_run"]["conf"] is None  # run parameters only for the token
    assert client.get("/projects/no_such_project/workflows").status_code == 404

    monkeypatch.setenv("AIRFLOW_URL", "http://127.0.0.1:9")
    answer = client.get(f"/projects/{CRYPTO}/workflows")
    assert answer.status_code == 200
    assert {workflow["error"] for workflow in answer.json()} == {
        "Airflow at http://127.0.0.1:9 unreachable: ConnectError"
    }


def test_trigger_needs_the_token_and_reaches_airflow_with_its_conf(client, airflow_server, monkeypatch, auth):
    path, body = f"/projects/{CRYPTO}/workflows/train/runs", {"conf": {"reason": "api test", "config": "smoke"}}
    assert client.post(path, json=body).status_code == 401
    assert client.post(path, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(f"/projects/{CRYPTO}/workflows/nightly/runs", json=body, headers=auth).status_code == 404

    answer = client.post(path, json=body, headers=auth)
    assert answer.status_code == 201
    assert answer.json()["dag_id"] == f"{CRYPTO}_train_wf" and answer.json()["conf"] == body["conf"]
    [trigger] = [r for r in airflow_server.requests if r["method"] == "POST" and r["path"].endswith("/dagRuns")]
    assert trigger["headers"]["Authorization"].removeprefix("Bearer ") in airflow_server.tokens

    monkeypatch.delenv("API_TOKEN")
    assert client.post(path, json=body, headers=auth).status_code == 403


def test_runs_a_run_with_its_tasks_and_a_task_log_need_the_token(client, airflow_server, auth):
    dag_id = f"{CRYPTO}_inference_wf"
    first = airflow_server.add_run(dag_id, {"start": "2024-03-01"}, "manual", state="success")
    second = airflow_server.add_run(dag_id, {}, "scheduled", state="running")
    base = f"/projects/{CRYPTO}/workflows/inference/runs"
    one, log = f"{base}/{first['dag_run_id']}", f"{base}/{first['dag_run_id']}/tasks/run_stage/logs/1"
    for path in (base, one, log):
        assert client.get(path).status_code == 401

    page = client.get(base, params={"limit": 1}, headers=auth).json()
    assert page["total"] == 2 and [run["dag_run_id"] for run in page["items"]] == [second["dag_run_id"]]
    page = client.get(base, params={"limit": 1, "offset": 1}, headers=auth).json()
    assert [run["dag_run_id"] for run in page["items"]] == [first["dag_run_id"]]

    run = client.get(one, headers=auth).json()
    assert run["state"] == "success" and run["conf"] == {"start": "2024-03-01"}
    assert [(task["task_id"], task["state"], task["map_index"]) for task in run["tasks"]] == [
        ("run_stage", "success", -1)
    ]
    lines = client.get(log, params={"map_index": 3}, headers=auth).json()["lines"]
    assert [line["event"] for line in lines] == ["run_stage[3] try 1: done", "::endgroup::"]
    assert lines[1]["level"] == "info"

    assert client.get(f"{base}/manual__nope", headers=auth).status_code == 404
    invalid = client.get(base, params={"limit": 0}, headers=auth)
    assert invalid.status_code == 422 and invalid.json()["detail"].startswith("query.limit:")
    assert [r["path"] for r in airflow_server.requests].count("/auth/token") == 1  # one Airflow token, reused


def test_airflow_refusing_the_credentials_is_a_clear_502_without_the_password(client, monkeypatch, auth):
    monkeypatch.setenv("AIRFLOW_PASSWORD", "not-the-password")
    answer = client.get(f"/projects/{CRYPTO}/workflows/train/runs", headers=auth)
    assert answer.status_code == 502 and "refused the credentials" in answer.json()["detail"]
    assert "not-the-password" not in answer.text


def test_monitoring_rows_page_newest_first_with_a_summary(client, served):
    path = f"/projects/{CRYPTO}/monitoring"
    answer = client.get(path, params={"limit": 2}).json()
    ends = [end.strftime("%Y-%m-%dT%H:%M") for end in reversed(served["crypto_ends"])]
    assert answer["total"] == len(SHADOW_HOURS) and [row["window_end"][:16] for row in answer["items"]] == ends[:2]
    assert [row["window_end"][:16] for row in client.get(path, params={"offset": 2}).json()["items"]] == ends[2:]

    newest = answer["items"][0]
    assert newest["partition"] == MARKET and newest["model_version"] == "1" and newest["shadow_version"] == "2"
    assert newest["metrics"]["decay"]["limit"] == 1.25 and newest["metrics"]["metric"] == "mae"
    assert newest["metrics"]["champion"]["mae"] == newest["metrics"]["baseline"]["mae"]  # the baseline serves
    psi_checks = {"ret_1h", "ret_3h", "range_1h", "volume_z_168h"}
    assert set(newest["drift"]) == psi_checks | {"range_1h level"}  # and the level check of range_1h
    assert all(newest["drift"][feature]["warn_at"] < newest["drift"][feature]["alert_at"] for feature in psi_checks)
    level = newest["drift"]["range_1h level"]
    assert level["psi"] is None and level["shift"] is not None and level["alert_at"] > 0, level
    trial = newest["shadow_trial"]
    assert trial["version"] == "2" and trial["verdict"] == "on trial" and trial["shadow"]["mae"] > 0

    summary = answer["summary"]
    assert sum(summary["decisions"].values()) == len(SHADOW_HOURS)
    assert summary["latest"][MARKET]["decision"] == newest["decision"]
    assert client.get(path, params={"partition": CRYPTO_MODEL}).json()["total"] == len(SHADOW_HOURS)
    assert client.get(path, params={"partition": "KRW-ETH"}).status_code == 404

    tumor = client.get(f"/projects/{TUMOR}/monitoring").json()
    assert tumor["items"][0]["partition"] == "all" and tumor["items"][0]["shadow_trial"] is None
    assert tumor["summary"]["retrains_requested"] >= 1 and "drift" in tumor["items"][-1]["decision"]


def test_models_per_partition_with_skill_and_whether_the_baseline_serves(client):
    [crypto] = client.get(f"/projects/{CRYPTO}/models").json()["items"]
    assert crypto["partition"] == MARKET and crypto["model"] == CRYPTO_MODEL
    champion, shadow = crypto["champion"], crypto["shadow"]
    assert (champion["version"], champion["candidate"], crypto["baseline_serves"]) == ("1", "naive", True)
    assert champion["skill"]["metric"] == "mae" and champion["skill"]["improvement"] == 0
    assert (shadow["version"], shadow["candidate"]) == ("2", "ridge") and crypto["challenger"] is None
    assert (
        shadow["test"]["mae"] == shadow["skill"]["value"]
        and shadow["baseline_test"]["mae"] == shadow["skill"]["baseline"]
    )
    assert "start" not in champion["test"]  # the tag test_start is a split bound, not a metric

    tumor = client.get(f"/projects/{TUMOR}/models/all").json()
    assert tumor["champion"]["candidate"] == "random_forest" and not tumor["baseline_serves"]
    assert tumor["champion"]["skill"]["metric"] == "log_loss" and tumor["champion"]["skill"]["improvement"] > 0
    assert client.get(f"/projects/{TUMOR}/models/{TUMOR}").json() == tumor  # a partition's model names it too
    assert client.get(f"/projects/{CRYPTO}/models/KRW-ETH").status_code == 404


def test_a_champion_that_replaced_none_cannot_be_rolled_back(client, auth):
    refused = client.post(f"/projects/{CRYPTO}/models/{MARKET}/rollback", json={}, headers=auth)
    assert refused.status_code == 409 and "nothing to roll back" in refused.json()["detail"]


def test_events_and_alerts_page_newest_first(client):
    events = client.get(f"/projects/{CRYPTO}/events").json()
    assert events["total"] == 3 and [event["action"] for event in events["items"]] == ["shadow", "reject", "promote"]
    assert events["items"][0]["reason"] == "by hand: ridge proves itself on live data"
    assert "baseline serves" in events["items"][2]["reason"]
    page = client.get(f"/projects/{CRYPTO}/events", params={"partition": MARKET, "limit": 1, "offset": 2}).json()
    assert [event["action"] for event in page["items"]] == ["promote"] and page["total"] == 3

    alerts = client.get(f"/projects/{TUMOR}/alerts").json()
    assert alerts["total"] >= 1 and alerts["items"][-1]["kind"] == "drift" and alerts["items"][-1]["status"] == "logged"


def test_roles_move_by_hand_each_recorded_as_an_event(moves_world, airflow_server, auth):
    base = f"/projects/{TUMOR}/models/all"
    with TestClient(create_app()) as client:
        assert client.post(f"{base}/promote", json={"version": "2", "reason": "by hand"}).status_code == 401
        assert (
            client.post(f"{base}/promote", json={"version": "two", "reason": "by hand"}, headers=auth).status_code
            == 422
        )
        missing = client.post(f"{base}/promote", json={"version": "99", "reason": "by hand"}, headers=auth)
        assert missing.status_code == 404 and "no version 99" in missing.json()["detail"]
        assert (
            client.post(
                f"/projects/{TUMOR}/models/nope/promote", json={"version": "2", "reason": "x" * 3}, headers=auth
            ).status_code
            == 404
        )

        promoted = client.post(
            f"{base}/promote", json={"version": "1", "reason": "v1 reads the old device"}, headers=auth
        )
        assert promoted.status_code == 200
        event = promoted.json()
        assert (event["action"], event["from_version"], event["to_version"]) == ("promote", "2", "1")
        assert (
            event["id"] > 0
            and event["run_id"].startswith("api__")
            and event["reason"] == "by hand: v1 reads the old device"
        )
        assert registry.version_by_alias(TUMOR, registry.CHAMPION).version == 1

        rolled = client.post(f"{base}/rollback", json={"reason": "v1 misbehaves"}, headers=auth)
        assert rolled.status_code == 200 and (rolled.json()["from_version"], rolled.json()["to_version"]) == ("1", "2")
        assert registry.version_by_alias(TUMOR, registry.CHAMPION).version == 2

        assert (
            client.post(f"{base}/shadow", json={"version": "2", "reason": "the champion"}, headers=auth).status_code
            == 409
        )
        shadowed = client.post(f"{base}/shadow", json={"version": "1", "reason": "prove it live"}, headers=auth)
        assert shadowed.status_code == 200 and shadowed.json()["alias"] == "shadow"
        models = client.get(base).json()
        assert (models["champion"]["version"], models["shadow"]["version"], models["challenger"]) == ("2", "1", None)

        actions = [event["action"] for event in client.get(f"/projects/{TUMOR}/events").json()["items"]]
        assert actions == ["shadow", "rollback", "promote", "promote", "promote"]  # the last two: v1, its refit v2


def test_moves_that_cannot_happen_are_404_or_409_never_a_server_error(moves_world, airflow_server, auth):
    base = f"/projects/{TUMOR}/models/all"  # v2 the champion, promoted from v1
    with TestClient(create_app()) as client:
        absurd = client.post(f"{base}/promote", json={"version": "9" * 23, "reason": "by hand"}, headers=auth)
        assert absurd.status_code == 404 and f"no version {'9' * 23}" in absurd.json()["detail"]

        moved = client.post(
            f"{base}/promote", json={"version": "1", "reason": "by hand", "expected": "1"}, headers=auth
        )
        assert moved.status_code == 409 and "expected champion v1, but v2 holds it" in moved.json()["detail"]
        assert registry.version_by_alias(TUMOR, registry.CHAMPION).version == 2

        configure_mlflow().delete_model_version(TUMOR, "1")  # deleted outside the platform (retention keeps it)
        gone = client.post(f"{base}/rollback", json={"reason": "v2 misbehaves"}, headers=auth)
        assert gone.status_code == 409 and "v1, the version champion v2 replaced, is no longer" in gone.json()["detail"]
        assert registry.version_by_alias(TUMOR, registry.CHAMPION).version == 2


def test_predict_serves_the_champion_never_the_shadow(client, served):
    """crypto_forecast's champion is the naive baseline (v1), its shadow ridge (v2): /predict gives v1's
    forecasts, as stored by inference for the role champion, and not the shadow's."""
    from db_handler import get_engine
    from lifecycle.discovery import load_project
    from lifecycle.reads import read_features, read_predictions

    project, start = load_project(CRYPTO), served["train_end"]
    columns = input_columns(CRYPTO_MODEL)
    with get_engine().connect() as conn:
        rows = read_features(conn, project.tables, MARKET, start, start + timedelta(hours=6), columns)
        stored = read_predictions(
            conn, project.tables, MARKET, start, start + timedelta(hours=8), [("champion", "1"), ("shadow", "2")]
        )
    by_role = {
        role: stored.loc[stored["role"] == role, "predicted_log_return"].tolist()[:6] for role in ("champion", "shadow")
    }
    assert by_role["champion"] != by_role["shadow"]

    body = {"rows": rows[columns].to_dict("records")}
    for choice in ({}, {"partition": MARKET}, {"model": CRYPTO_MODEL}):
        answer = client.post(f"/projects/{CRYPTO}/predict", json={**body, **choice})
        assert answer.status_code == 200
        assert (answer.json()["model"], answer.json()["partition"], answer.json()["version"]) == (
            CRYPTO_MODEL,
            MARKET,
            "1",
        )
        assert [row["predicted_log_return"] for row in answer.json()["predictions"]] == pytest.approx(
            by_role["champion"]
        )


def test_predict_matches_the_stored_forecasts_of_a_fitted_champion(client, served):
    from db_handler import get_engine
    from lifecycle.discovery import load_project
    from lifecycle.reads import read_features

    project = load_project(TUMOR)
    columns = input_columns(TUMOR)
    predictions = project.tables.predictions
    with get_engine().connect() as conn:
        stored = conn.execute(
            select(predictions.c.sample_id, predictions.c.probability_malignant)
            .where(predictions.c.role == "champion")
            .order_by(predictions.c.sample_id)
            .limit(20)
        ).all()
        features = read_features(conn, project.tables, "all", None, served["train_end"] + timedelta(days=30), columns)
    rows = features.set_index("sample_id").loc[[sample for sample, _ in stored], columns]

    answer = client.post(f"/projects/{TUMOR}/predict", json={"rows": rows.to_dict("records")})
    assert answer.status_code == 200 and answer.json()["version"] == "1"
    served_values = [row["probability_malignant"] for row in answer.json()["predictions"]]
    assert served_values == pytest.approx([value for _, value in stored], rel=1e-9)


def test_predict_rejects_bad_input_with_one_clear_detail(client):
    path, row = f"/projects/{CRYPTO}/predict", {"ret_1h": 0.01}
    answer = client.post(path, json={"rows": [row]})
    assert answer.status_code == 422 and answer.json()["detail"].startswith("row 0: missing columns")
    answer = client.post(path, json={"rows": [{**row, "rsi": 1.0}]})
    assert answer.status_code == 422 and "'rsi'" in answer.json()["detail"]
    for body in ({"rows": []}, {"rows": [{"ret_1h": "a lot"}]}, {"partition": MARKET, "model": TUMOR, "rows": [row]}):
        answer = client.post(path, json=body)
        assert answer.status_code in (404, 422) and isinstance(answer.json()["detail"], str)
    assert client.post(path, json={"partition": "KRW-ETH", "rows": [row]}).status_code == 404
    assert client.post("/projects/nope/predict", json={"rows": [row]}).status_code == 404


def test_no_champion_or_no_registry_is_503_with_the_reason(database, mlflow_store, airflow_server, monkeypatch):
    with TestClient(create_app()) as client:
        answer = client.post(f"/projects/{TUMOR}/predict", json={"rows": [{"mean_radius": 1.0}]})
        assert answer.status_code == 503 and "no champion yet" in answer.json()["detail"]

        monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")  # a tracking server nobody runs
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        for answer in (
            client.get(f"/projects/{TUMOR}/models"),
            client.post(f"/projects/{TUMOR}/predict", json={"rows": [{"x": 1.0}]}),
        ):
            assert answer.status_code == 503 and answer.json()["detail"].startswith(
                "MLflow at http://127.0.0.1:9 failed"
            )


def test_secrets_never_appear_in_responses(client, airflow_server, monkeypatch, auth):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-slack-token")
    airflow_server.add_run(f"{CRYPTO}_train_wf", {}, "manual")
    paths = ["/health", "/projects", f"/projects/{CRYPTO}/workflows", f"/projects/{CRYPTO}/models", "/openapi.json"]
    bodies = [client.get(path).text for path in paths] + [
        client.get(f"/projects/{CRYPTO}/workflows/train/runs", headers=auth).text
    ]
    bodies += [client.get("/dashboard").text, client.get(f"/dashboard/{CRYPTO}").text]
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


def test_every_operation_documents_a_typed_answer_and_the_token_it_needs(client):
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "HTTPBearer": {"type": "http", "scheme": "bearer", "description": "the service's API_TOKEN"}
    }
    needs_token = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                body = response["content"]["application/json"]["schema"]
                typed = body.get("$ref") or body.get("items", {}).get("$ref")
                assert typed, f"{method.upper()} {path} answers {status} without a response model: {body}"
            if operation.get("security"):
                needs_token.add((method, path.removeprefix("/projects/{project}")))
    assert needs_token == {
        ("post", "/workflows/{kind}/runs"),
        ("get", "/workflows/{kind}/runs"),
        ("get", "/workflows/{kind}/runs/{run_id}"),
        ("get", "/workflows/{kind}/runs/{run_id}/tasks/{task_id}/logs/{try_number}"),
        ("post", "/models/{partition}/promote"),
        ("post", "/models/{partition}/shadow"),
        ("post", "/models/{partition}/rollback"),
    }


def test_the_dashboard_ships_plotly_itself(client):
    script = client.get("/dashboard/static/plotly.min.js")
    assert (
        script.status_code == 200 and "javascript" in script.headers["content-type"] and len(script.content) > 1_000_000
    )
    assert client.get("/dashboard/static/nope.js").status_code == 404
    page = client.get(f"/dashboard/{CRYPTO}").text
    assert "https://" not in page.split("<main>")[0]  # no CDN in the page's head
    assert client.get(f"/dashboard/{CRYPTO}", params={"partition": "KRW-ETH"}).status_code == 404


def input_columns(model: str) -> list[str]:
    """The input columns of version 1 of `model` in the served world's registry."""
    configure_mlflow()  # load_model reads MLflow's global registry, which the last client pointed elsewhere
    return registry.load_model(f"models:/{model}/1").metadata.get_input_schema().input_names()
