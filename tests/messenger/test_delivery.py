"""Slack delivery through slack-sdk against a local HTTP server, fallback, retries, outage, dedup."""

import json

import pytest
from sqlalchemy import select

from db_handler.tables import alerts
from messenger import delivery
from messenger.delivery import notify
from messenger.messages import monitoring_alert
from messenger.model import Alert

TOKEN = "xoxb-test-secret-token"


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
    ):
        assert expected in rendered
    assert "KRW-BTC" in body["text"]
    [row] = stored(database)
    assert (row["status"], row["channel"], row["kind"]) == ("sent", "slack_bot", "drift+decay")


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
