"""Airflow callbacks deliver to Slack with task, try and log link, and never raise."""

import json
from types import SimpleNamespace

from workflows.callbacks import on_failure, on_success


def test_failure_callback_names_task_try_and_log(monkeypatch, slack_server, database):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-t")
    monkeypatch.setenv("SLACK_CHANNEL", "#c")
    monkeypatch.setenv("SLACK_API_URL", slack_server.url + "/api/")
    ti = SimpleNamespace(task_id="forecast_with_champion", try_number=3, log_url="http://airflow.local/log/1")
    context = {
        "ti": ti,
        "dag": SimpleNamespace(dag_id="crypto_forecast_inference_wf"),
        "run_id": "scheduled__x",
        "exception": ValueError("no champion yet\nTraceback lines"),
    }

    on_failure(context)

    [request] = slack_server.requests
    rendered = json.dumps(request["body"]["blocks"])
    for expected in (
        "crypto_forecast_inference_wf.forecast_with_champion failed (try 3)",
        "no champion yet",
        "http://airflow.local/log/1",
    ):
        assert expected in rendered
    assert "Traceback" not in rendered


def test_callbacks_never_raise_even_on_an_empty_context(database):
    on_failure({})
    on_success({})


def test_success_summary_stays_out_of_slack_unless_asked(monkeypatch, slack_server, database):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-t")
    monkeypatch.setenv("SLACK_CHANNEL", "#c")
    monkeypatch.setenv("SLACK_API_URL", slack_server.url + "/api/")
    context = {"dag": SimpleNamespace(dag_id="crypto_forecast_data_wf"), "run_id": "r1"}
    on_success(context)
    assert slack_server.requests == []
    monkeypatch.setenv("SLACK_NOTIFY_SUCCESS", "true")
    on_success({**context, "run_id": "r2"})
    assert "crypto_forecast_data_wf succeeded" in json.dumps(slack_server.requests[0]["body"])
