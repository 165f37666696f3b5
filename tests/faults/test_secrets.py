"""No secret reaches anyone, with a password in every URL setting and MLflow down (a dead port): the service in
its own process (every answer and its log, with the database up and down), the project CLI's stages (their output
and logs, a --traceback included), and the alerts (what Slack received, the alerts table, the console, the alerts
log, the logs of a failed delivery). Each secret is asserted to be really in play (in the environment, and in the
raw errors before they are scrubbed), so a pass is not the absence of the situation."""

import json
import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import make_url, select

from compose.secrets import ScrubSecrets
from db_handler.tables import alerts
from devkit.http import free_port
from devkit.processes import service
from lifecycle.contract import DataError
from lifecycle.discovery import load_project
from messenger import delivery
from messenger.delivery import notify
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import monitoring_alert, no_champion_alert
from service.models.mlflow_client import configure_mlflow
from workflows.callbacks import on_failure
from workflows.factories import _run as run_in_a_task

CRYPTO, MODEL, TOKEN = "crypto_forecast", "crypto_forecast-KRW-BTC", "pw-api-token-0b7e"
STREAMS = ("stdout", "stderr")
SECRETS = {
    "database": "pw-database-51c2",
    "mlflow": "pw-mlflow-9d4a",
    "mlflow_client": "pw-mlflow-client-77e1",
    "s3_url": "pw-s3-url-a3f0",
    "aws": "pw-aws-secret-c93d",
    "airflow_url": "pw-airflow-url-2e8b",
    "airflow": "pw-airflow-6f15",
    "airflow_public": "pw-airflow-public-40d9",
    "mlflow_public": "pw-mlflow-public-e5c7",
    "dashboard_public": "pw-dashboard-public-1b6a",
    "slack_token": "xoxb-pw-slack-8c2d",
    "slack_url": "pw-slack-url-93aa",
    "api_token": TOKEN,
}


@pytest.fixture
def secrets(database, pg_url, monkeypatch, slack_server, tmp_path) -> dict[str, str]:
    """Every URL setting with a password (MLflow, S3 and Airflow on dead ports), every secret setting set, the
    results database the test's schema (a server that ignores the password, or the one it has). Returns the
    secrets by name."""
    url = make_url(pg_url)
    secrets = {**SECRETS, "database": url.password or SECRETS["database"]}
    database_url = url.set(password=secrets["database"]).render_as_string(hide_password=False)
    dead = {name: f"127.0.0.1:{free_port()}" for name in ("mlflow", "s3", "airflow")}
    settings = {
        "DATABASE_URL": database_url,
        "MLFLOW_TRACKING_URI": f"http://mlops:{secrets['mlflow']}@{dead['mlflow']}",
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
        "MLFLOW_TRACKING_PASSWORD": SECRETS["mlflow_client"],
        "MLFLOW_S3_ENDPOINT_URL": f"http://s3:{secrets['s3_url']}@{dead['s3']}",
        "AWS_ACCESS_KEY_ID": "mlops",
        "AWS_SECRET_ACCESS_KEY": SECRETS["aws"],
        "AIRFLOW_URL": f"http://ops:{SECRETS['airflow_url']}@{dead['airflow']}",
        "AIRFLOW_USERNAME": "ops",
        "AIRFLOW_PASSWORD": SECRETS["airflow"],
        "AIRFLOW_PUBLIC_URL": f"https://viewer:{SECRETS['airflow_public']}@airflow.example.org",
        "MLFLOW_PUBLIC_URL": f"https://viewer:{SECRETS['mlflow_public']}@mlflow.example.org",
        "DASHBOARD_PUBLIC_URL": f"https://viewer:{SECRETS['dashboard_public']}@mlops.example.org",
        "SLACK_BOT_TOKEN": SECRETS["slack_token"],
        "SLACK_CHANNEL": "#mlops-alerts",
        "SLACK_API_URL": slack_server.url + "/api/",
        "API_TOKEN": TOKEN,
        "ALERTS_LOG_FILE": str(tmp_path / "alerts.log"),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return secrets


def assert_no_secret(outputs: dict[str, str], secrets: dict[str, str]) -> None:
    assert outputs and all(outputs.values()), "every output checked has something in it"
    leaks = [(where, name) for where, text in outputs.items() for name, secret in secrets.items() if secret in text]
    assert leaks == [], f"secrets leaked (where, which): {leaks}"


def test_the_service_answers_and_logs_no_secret(secrets, tmp_path):
    outputs = {}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for outage in ("mlflow down", "mlflow and database down"):
        env = dict(os.environ)
        if outage == "mlflow and database down":
            env["DATABASE_URL"] = f"postgresql+psycopg://mlops:{secrets['database']}@127.0.0.1:{free_port()}/results"
        port = free_port()
        server = service(port, tmp_path / f"{outage}.log", env).start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
                answers = [
                    *(
                        http.get(path)
                        for path in (
                            "/health",
                            f"/projects/{CRYPTO}/workflows",
                            f"/projects/{CRYPTO}/models",
                            f"/projects/{CRYPTO}/models/KRW-BTC",
                            f"/projects/{CRYPTO}/monitoring",
                            f"/projects/{CRYPTO}/alerts",
                            f"/projects/{CRYPTO}/events",
                            "/dashboard",
                            f"/dashboard/{CRYPTO}",
                        )
                    ),
                    http.get(f"/projects/{CRYPTO}/workflows/train/runs", headers=auth),
                    http.post(f"/projects/{CRYPTO}/workflows/train/runs", json={"conf": {}}, headers=auth),
                    http.post(f"/projects/{CRYPTO}/predict", json={"rows": [{"ret_1h": 0.1}]}),
                    http.post(f"/projects/{CRYPTO}/models/KRW-BTC/rollback", json={}, headers=auth),
                    http.post(
                        f"/projects/{CRYPTO}/models/KRW-BTC/promote",
                        json={"version": "1", "reason": "x" * 3},
                        headers=auth,
                    ),
                ]
        finally:
            server.stop()
        statuses = {answer.request.url.path: answer.status_code for answer in answers}
        assert statuses["/health"] == statuses[f"/projects/{CRYPTO}/predict"] == 503, statuses
        assert statuses[f"/projects/{CRYPTO}/models"] == 503 and 500 not in statuses.values(), statuses
        outputs |= {f"{outage}: {answer.request.method} {answer.request.url.path}": answer.text for answer in answers}
        outputs[f"{outage}: the service's log"] = (tmp_path / f"{outage}.log").read_text()
    assert "http://***@127.0.0.1" in outputs["mlflow down: GET /health"]  # the outage was met, and scrubbed
    assert_no_secret(outputs, secrets)


def test_the_stages_print_and_log_no_secret(secrets):
    example = load_project(CRYPTO).spec("smoke").example
    window = ["--start", str(example.data_start), "--end", str(example.end), "--config", "smoke"]

    def run(*arguments: str, **env: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", f"projects.{CRYPTO}.run", *arguments]
        return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=600)

    runs = {
        "data": run("data", *window),
        "inference": run("inference", "--config", "smoke"),
        "monitor": run("monitor", "--config", "smoke"),
        "inference --traceback": run("--traceback", "inference", "--config", "smoke"),
        "data, database down": run(
            "data", *window, DATABASE_URL=f"postgresql://mlops:{secrets['database']}@127.0.0.1:{free_port()}/results"
        ),
    }
    assert [done.returncode for done in runs.values()] == [0, 1, 1, 1, 1], {k: v.stderr[-500:] for k, v in runs.items()}
    assert "MLflow at http://***@127.0.0.1" in runs["inference"].stderr  # the outage was met and reported
    assert "Traceback" in runs["inference --traceback"].stderr
    outputs = {f"{stage}: {stream}": getattr(done, stream) for stage, done in runs.items() for stream in STREAMS}
    assert_no_secret({where: text for where, text in outputs.items() if text}, secrets)


def test_alerts_carry_no_secret_to_slack_the_table_the_console_or_the_log(
    secrets, database, slack_server, monkeypatch, capsys, caplog
):
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0.01)
    with pytest.raises(Exception) as raised:  # MLflow's own error, as a task would fail with it
        configure_mlflow().search_experiments(max_results=1)
    mlflow_error = str(raised.value)
    assert secrets["mlflow"] in mlflow_error

    def failed_task(try_number: int) -> dict:
        log_url = f"{os.environ['AIRFLOW_PUBLIC_URL']}/dags/{CRYPTO}_inference_wf/runs/r/tasks/forecast"
        ti = SimpleNamespace(task_id="forecast", try_number=try_number, log_url=log_url)
        dag = SimpleNamespace(dag_id=f"{CRYPTO}_inference_wf")
        return {"ti": ti, "dag": dag, "run_id": "scheduled__1", "exception": raised.value}

    def drift(run_id: str):
        return monitoring_alert(
            project=CRYPTO,
            scope="KRW-BTC",
            decision="drift",
            reasons=[f"retraining not triggered: {mlflow_error}"],
            metrics={},
            drift={"ret_1h": {"psi": 0.9, "alert_at": 0.3, "ks_pvalue": 0.001}},
            airflow_run_url=airflow_run_url(f"{CRYPTO}_monitoring_wf", run_id),
            mlflow_model_url=mlflow_model_url(MODEL, "3"),
            run_id=run_id,
            retrain=False,
        )

    # Slack answers
    on_failure(failed_task(1))
    assert (
        notify(no_champion_alert(CRYPTO, MODEL, "p1", airflow_run_url(f"{CRYPTO}_inference_wf", "r1"))).status == "sent"
    )
    assert notify(drift("run-1")).status == "sent"
    # Slack unreachable (its API URL with credentials of its own): a failed delivery, recorded and logged
    monkeypatch.setenv("SLACK_API_URL", f"http://hook:{secrets['slack_url']}@127.0.0.1:{free_port()}/api/")
    assert notify(drift("run-2")).status == "failed"
    # no Slack: the console and the alerts log
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    on_failure(failed_task(2))
    assert notify(drift("run-3")).status == "logged"

    assert len(slack_server.requests) == 3
    with database.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(select(alerts))]
    assert len(rows) == 6
    slack = json.dumps([request["body"] for request in slack_server.requests])
    assert "https://airflow.example.org/dags/" in slack and "https://mlflow.example.org/#/models/" in slack
    captured = capsys.readouterr()
    assert_no_secret(
        {
            "Slack's requests": slack,
            "Slack's request headers (but the token it needs)": json.dumps(
                [
                    {k: v for k, v in request["headers"].items() if k != "Authorization"}
                    for request in slack_server.requests
                ]
            ),
            "alerts table": json.dumps(rows, default=str),
            "console": captured.out,
            "alerts log": open(os.environ["ALERTS_LOG_FILE"]).read(),
            "log records": caplog.text,
        },
        secrets,
    )


def test_a_task_failing_for_good_says_why_without_secrets_and_its_log_is_scrubbed(secrets):
    """What an Airflow task runs: the message Airflow logs and shows is scrubbed, and so is every line its log
    handlers write from then on."""
    from airflow.sdk.exceptions import AirflowFailException

    def unreadable(project) -> dict:
        raise DataError(f"{project.name}: nothing to read at {os.environ['DATABASE_URL']}")

    with pytest.raises(AirflowFailException) as failed:
        run_in_a_task(CRYPTO, unreadable)
    assert "nothing to read at postgresql" in str(failed.value) and "://***@" in str(failed.value)
    assert_no_secret({"the task's failure": str(failed.value)}, secrets)
    handlers = logging.getLogger().handlers
    assert handlers and all(any(isinstance(f, ScrubSecrets) for f in handler.filters) for handler in handlers)
