"""Slack delivery through slack-sdk against a local HTTP server, fallback, retries, outage, dedup."""

import json

import pytest
from sqlalchemy import select

from db_handler.tables import alerts
from messenger import delivery
from messenger.delivery import notify
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import monitoring_alert, no_champion_alert, shadow_alert
from messenger.model import Alert

TOKEN = "xoxb-test-secret-token"
MODEL = "crypto_forecast-KRW-BTC"


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0.01)


@pytest.fixture
def bot(monkeypatch, slack_server):
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_CHANNEL", "#mlops-alerts")
    monkeypatch.setenv("SLACK_API_URL", slack_server.url + "/api/")
    return slack_server


def drift_alert(run_id="run-1") -> Alert:
    return monitoring_alert(
        project="crypto_forecast",
        scope="KRW-BTC",
        decision="drift+decay",
        reasons=["live mae is 2.62x the baseline's on the same rows (limit 1.25x)"],
        metrics={"live mae / baseline's": (2.62, 1.25)},
        drift={
            "range_1h": {"psi": 3.26, "alert_at": 0.4, "ks_pvalue": 1.9e-21},
            "ret_3h": {"psi": 0.9, "alert_at": 0.3, "ks_pvalue": 0.0011},
            "ret_1h": {"psi": 0.05, "alert_at": 0.3, "ks_pvalue": 0.4},
            "volume_z_168h": {"psi": 0.01, "alert_at": 0.5, "ks_pvalue": 0.9},
            "vol_24h": {"level": "insufficient_data", "rows": 3},
        },
        airflow_run_url="http://airflow.local/dags/crypto_forecast_monitoring_wf/runs/run-1",
        mlflow_model_url="http://mlflow.local/#/models/crypto_forecast-KRW-BTC/versions/3",
        run_id=run_id,
        retrain=True,
    )


def stored(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(alerts))]


def test_bot_token_posts_block_kit_with_metrics_features_and_links(bot, database):
    result = notify(drift_alert(), database)

    assert (result.channel, result.status, result.attempts) == ("slack_bot", "sent", 1)
    [request] = bot.requests
    assert request["path"] == "/api/chat.postMessage"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    body = request["body"]
    assert body["channel"] == "#mlops-alerts"
    rendered = json.dumps(body["blocks"])
    assert "volume_z_168h" not in rendered  # the three most drifted features only
    for expected in (
        "crypto_forecast",
        "KRW-BTC",
        "drift+decay",
        "2.62 (limit 1.25)",
        "range_1h",
        "PSI 3.260",
        "http://airflow.local/dags/crypto_forecast_monitoring_wf/runs/run-1",
        "http://mlflow.local/#/models/crypto_forecast-KRW-BTC/versions/3",
        "http://localhost:8000/dashboard/crypto_forecast",  # no public URL set: the service on this machine
    ):
        assert expected in rendered
    assert "KRW-BTC" in body["text"]
    [row] = stored(database)
    assert (row["status"], row["channel"], row["kind"]) == ("sent", "slack_bot", "drift+decay")


@pytest.fixture
def public_urls(monkeypatch):
    """The team stack's settings: services reach each other by inner names, people open the public URLs."""
    monkeypatch.setenv("AIRFLOW_URL", "http://airflow-apiserver:8080")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    monkeypatch.setenv("AIRFLOW_PUBLIC_URL", "https://airflow.example.org")
    monkeypatch.setenv("MLFLOW_PUBLIC_URL", "https://mlflow.example.org/")
    monkeypatch.setenv("DASHBOARD_PUBLIC_URL", "https://mlops.example.org")


def decay_alert() -> Alert:
    """As the monitoring stage builds it: links from messenger.links."""
    return monitoring_alert(
        project="crypto_forecast",
        scope="KRW-BTC",
        decision="decay",
        reasons=["live mae is 1.42x the baseline's on the same rows (limit 1.25x)"],
        metrics={"live mae / baseline's": (1.42, 1.25)},
        drift={"range_1h": {"psi": 0.61, "alert_at": 0.4, "ks_pvalue": 3.1e-05}},
        airflow_run_url=airflow_run_url("crypto_forecast_monitoring_wf", "scheduled__1"),
        mlflow_model_url=mlflow_model_url(MODEL, "3"),
        run_id="scheduled__1",
        retrain=True,
    )


def promoted_shadow_alert() -> Alert:
    reason = "shadow beat the champion's live mae by 7.10% over 48 h (margin 2.00%)"
    link = airflow_run_url("crypto_forecast_monitoring_wf", "scheduled__1")
    return shadow_alert("crypto_forecast", MODEL, "promote", "4", reason, "scheduled__1", link)


def no_champion() -> Alert:
    link = airflow_run_url("crypto_forecast_inference_wf", "scheduled__1")
    return no_champion_alert("crypto_forecast", MODEL, "2024-05-01T00:00:00+00:00", link)


@pytest.mark.parametrize(
    ("build", "dag", "model_page", "numbers"),
    [
        (decay_alert, "monitoring", f"{MODEL}/versions/3", ["1.42 (limit 1.25)", "1.42x", "PSI 0.610", "KS p 3.1e-05"]),
        (promoted_shadow_alert, "monitoring", f"{MODEL}/versions/4", ["7.10%", "48 h", "margin 2.00%"]),
        (no_champion, "inference", MODEL, [MODEL]),
    ],
)
def test_alerts_carry_their_numbers_and_public_links_to_dashboard_mlflow_and_airflow(
    bot, database, public_urls, build, dag, model_page, numbers
):
    assert notify(build(), database).status == "sent"

    [request] = bot.requests
    blocks = request["body"]["blocks"]
    [actions] = [block for block in blocks if block["type"] == "actions"]
    assert {button["text"]["text"]: button["url"] for button in actions["elements"]} == {
        "Airflow run": f"https://airflow.example.org/dags/crypto_forecast_{dag}_wf/runs/scheduled__1",
        "MLflow model": f"https://mlflow.example.org/#/models/{model_page}",
        "Dashboard": "https://mlops.example.org/dashboard/crypto_forecast",
    }
    shown = json.dumps([block for block in blocks if block["type"] != "actions"])
    for number in numbers:
        assert number in shown
    assert "mlflow:5000" not in json.dumps(request["body"])  # never the stack's inner address


def test_without_public_urls_an_alert_links_no_inner_address(bot, database, monkeypatch):
    """The addresses the services use among themselves (credentials and all) never become links."""
    monkeypatch.setenv("AIRFLOW_URL", "http://ops:airflow-pass@airflow-apiserver:8080")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlops:mlflow-pass@mlflow:5000")
    assert notify(no_champion(), database).status == "sent"

    [request] = bot.requests
    [actions] = [block for block in request["body"]["blocks"] if block["type"] == "actions"]
    assert [button["url"] for button in actions["elements"]] == ["http://localhost:8000/dashboard/crypto_forecast"]
    assert "pass" not in json.dumps(request["body"]) and "mlflow:5000" not in json.dumps(request["body"])


def test_webhook(monkeypatch, slack_server, database):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack_server.url + "/services/T000/B000/XXXX")
    slack_server.answer((200, {}, "ok"))
    result = notify(drift_alert(), database)
    assert (result.channel, result.status) == ("slack_webhook", "sent")
    assert slack_server.requests[0]["path"] == "/services/T000/B000/XXXX"
    assert slack_server.requests[0]["body"]["blocks"][0]["type"] == "header"


def test_rate_limited_then_delivered(bot, database):
    bot.answer(
        (429, {"Retry-After": "0"}, json.dumps({"ok": False, "error": "ratelimited"})),
        (200, {}, json.dumps({"ok": True})),
    )
    result = notify(drift_alert(), database)
    assert (result.status, result.attempts) == ("sent", 2)
    assert len(bot.requests) == 2
    assert stored(database)[0]["attempts"] == 2


def test_slack_down_never_raises_and_is_recorded_without_the_token(bot, database):
    bot.answer((500, {}, "<html>oops</html>"))
    result = notify(drift_alert(), database)
    assert result.status == "failed" and result.attempts == delivery.MAX_ATTEMPTS
    assert len(bot.requests) == delivery.MAX_ATTEMPTS
    [row] = stored(database)
    assert row["status"] == "failed" and row["error"] and TOKEN not in row["error"]
    assert TOKEN not in json.dumps(row["payload"])


def test_nothing_listening_is_a_failed_delivery_not_an_exception(monkeypatch, database):
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_CHANNEL", "#x")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    assert notify(drift_alert(), database).status == "failed"


def test_same_alert_is_sent_once(bot, database):
    notify(drift_alert(), database)
    again = notify(drift_alert(), database)
    assert again.status == "sent" and len(bot.requests) == 1
    notify(drift_alert(run_id="run-2"), database)
    assert len(bot.requests) == 2


def test_failed_alert_is_retried_by_the_next_notify(bot, database):
    bot.answer((503, {}, "down"))
    assert notify(drift_alert(), database).status == "failed"
    bot.answer((200, {}, json.dumps({"ok": True})))
    assert notify(drift_alert(), database).status == "sent"
    assert stored(database)[0]["attempts"] == delivery.MAX_ATTEMPTS + 1


def test_console_and_file_when_slack_is_not_configured(database, tmp_path, monkeypatch, capsys):
    log_file = tmp_path / "alerts.log"
    monkeypatch.setenv("ALERTS_LOG_FILE", str(log_file))
    result = notify(drift_alert(), database)
    assert (result.channel, result.status) == ("console", "logged")
    assert "drift+decay" in capsys.readouterr().out
    line = json.loads(log_file.read_text().strip())
    assert line["kind"] == "drift+decay" and line["fields"]["scope"] == "KRW-BTC"


def test_database_down_still_delivers(bot, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    assert notify(drift_alert()).status == "sent"
