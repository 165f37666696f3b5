"""The Airflow UI in a real browser: headless Debian Chromium (playwright) against a running Airflow
(`airflow standalone`: api-server, scheduler, dag-processor, triggerer). Log in, trigger
crypto_forecast_train_wf from its page with the smoke config, wait until the run succeeds, save a screenshot.
Skipped where Chromium is not installed (.ci/run installs it)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from compose.settings import REPO_ROOT, Settings
from service.api.airflow_client import AirflowClient

CHROMIUM = shutil.which("chromium")
DAG_ID = "crypto_forecast_train_wf"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def running_airflow(tmp_path, database, mlflow_store, monkeypatch, free_port):
    """`airflow standalone` on a free port with a known admin password, over the test's results schema and
    MLflow store, with the smoke timeline's candles already stored."""
    from lifecycle import stages
    from projects.crypto_forecast.run import PROJECT

    example = PROJECT.spec("smoke").example
    stages.data(PROJECT, example.data_start, example.end, config="smoke")
    port, password = free_port, "ui-test-password"
    (tmp_path / "passwords.json").write_text(json.dumps({"admin": password}))
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "passwords.json"),
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "MLOPS_TIME_SCHEDULES": "off",  # unpausing from the UI runs nothing but the triggered run
    }
    log = open(tmp_path / "standalone.log", "w")
    process = subprocess.Popen(
        ["airflow", "standalone"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO_ROOT
    )
    client = AirflowClient(Settings(airflow_url=url, airflow_username="admin", airflow_password=password), timeout=30)
    try:
        _wait(
            lambda: httpx.get(f"{url}/api/v2/monitor/health").status_code == 200 and client.dag(DAG_ID),
            300,
            process,
            tmp_path,
        )
        yield {"url": url, "password": password, "client": client}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_trigger_the_train_workflow_from_the_ui_and_see_it_succeed(running_airflow, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from service.models.registry import CHAMPION, version_by_alias

    url, client = running_airflow["url"], running_airflow["client"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", running_airflow["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")

        page.goto(f"{url}/dags/{DAG_ID}")
        page.get_by_role("button", name="Trigger").first.click()
        dialog = page.get_by_role("dialog")
        dialog.locator("#element_config").fill("smoke")
        dialog.locator("#element_end").fill("2024-03-01T00:00:00+00:00")
        dialog.locator("#element_reason").fill("triggered from the UI")
        dialog.get_by_role("button", name="Trigger").click()

        run = _wait(lambda: next(iter(client.runs(DAG_ID)), None), 30, None, tmp_path)
        assert run["conf"]["config"] == "smoke" and run["conf"]["reason"] == "triggered from the UI"
        _wait(lambda: client.run(DAG_ID, run["dag_run_id"])["state"] in ("success", "failed"), 600, None, tmp_path)
        page.goto(f"{url}/dags/{DAG_ID}/runs/{run['dag_run_id']}")
        expect(page.get_by_text("success").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(tmp_path / "airflow-train-run.png"), full_page=True)
        browser.close()

    assert client.run(DAG_ID, run["dag_run_id"])["state"] == "success"
    assert {task["state"] for task in client.task_instances(DAG_ID, run["dag_run_id"])} == {"success"}
    assert version_by_alias("crypto_forecast-KRW-BTC", CHAMPION) is not None
    assert (tmp_path / "airflow-train-run.png").stat().st_size > 20_000


def _wait(probe, timeout: float, process: subprocess.Popen | None, folder: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"airflow standalone exited: {(folder / 'standalone.log').read_text()[-3000:]}")
        try:
            if answer := probe():
                return answer
        except Exception:
            pass
        time.sleep(1)
    pytest.fail(f"not ready within {timeout} s; standalone log ends: {(folder / 'standalone.log').read_text()[-2000:]}")
