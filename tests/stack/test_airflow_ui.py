"""The Airflow UI in a real browser: headless Debian Chromium (playwright) against the stack tests' running
`airflow standalone` (tests/stack/conftest.py). Log in, trigger crypto_forecast_train_wf from its page with the
smoke config and an End, and trigger crypto_forecast_data_wf with its form untouched; each run succeeds.
Skipped where Chromium is not installed (.ci/run installs it)."""

import shutil
from datetime import datetime

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def page(running_airflow):
    """A browser page logged in to the Airflow UI as admin."""
    from playwright.sync_api import sync_playwright

    url = running_airflow.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", running_airflow.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        yield page
        browser.close()


def test_trigger_the_train_workflow_from_the_ui_and_see_it_succeed(running_airflow, page, tmp_path):
    from playwright.sync_api import expect

    from service.models.registry import all_versions

    dag_id, url, client = "crypto_forecast_train_wf", running_airflow.url, running_airflow.client
    page.goto(f"{url}/dags/{dag_id}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#element_config [role=combobox]").fill("smoke")  # the config enum is a searchable select
    page.keyboard.press("Enter")
    end = dialog.get_by_role("group").filter(has=page.get_by_text("End", exact=True))
    end.get_by_test_id("datetime-input").click()  # a date-time param opens a picker (in the UI's zone: UTC)
    picker = page.locator("[data-scope=popover][data-part=content]:visible")
    picker.get_by_placeholder("YYYY/MM/DD").fill("2024/05/17")
    picker.get_by_placeholder("HH:mm").fill("00:00")
    page.keyboard.press("Escape")
    dialog.locator("#element_reason").fill("triggered from the UI")
    dialog.get_by_role("button", name="Trigger").click()

    run = _triggered_run(running_airflow, dag_id)
    assert run["conf"]["config"] == "smoke" and run["conf"]["reason"] == "triggered from the UI"
    assert datetime.fromisoformat(run["conf"]["end"]) == datetime.fromisoformat("2024-05-17T00:00:00+00:00")
    run = running_airflow.finished(dag_id, run["dag_run_id"], timeout=900)
    page.goto(f"{url}/dags/{dag_id}/runs/{run['dag_run_id']}")
    expect(page.get_by_text("success").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(tmp_path / "airflow-train-run.png"), full_page=True)

    assert run["state"] == "success", running_airflow.failures(dag_id, run["dag_run_id"])
    assert {task["state"] for task in client.task_instances(dag_id, run["dag_run_id"])} == {"success"}
    registered = [v for v in all_versions("crypto_forecast-KRW-BTC") if v.tags["airflow_run_id"] == run["dag_run_id"]]
    assert len(registered) == 1 and registered[0].tags["end"].startswith("2024-05-17")
    assert (tmp_path / "airflow-train-run.png").stat().st_size > 20_000


def test_trigger_the_data_workflow_with_the_form_untouched(running_airflow, page):
    """The data workflow's form holds every kind of param (two date-times, the nullable source enum, the config
    enum) and the logical date the UI fills in with "now"; it needs no champion and runs in seconds. Left as it
    is, the run catches up from the newest stored candle to now: the shipped replay's last three days, then
    nothing (the replay ends 2024-05-20)."""
    from lifecycle.reads import newest
    from lifecycle.records import project_engine
    from projects.crypto_forecast.run import PROJECT

    dag_id = "crypto_forecast_data_wf"
    page.goto(f"{running_airflow.url}/dags/{dag_id}")
    page.get_by_role("button", name="Trigger").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Trigger").click()

    run = running_airflow.finished(dag_id, _triggered_run(running_airflow, dag_id)["dag_run_id"])
    assert run["state"] == "success", running_airflow.failures(dag_id, run["dag_run_id"])
    assert {value for value in run["conf"].values()} <= {None, "default", False}  # untouched: the defaults only
    with project_engine(PROJECT).connect() as conn:
        stored = newest(conn, PROJECT.tables, PROJECT.tables.features, "candle_time", "KRW-BTC")
    assert stored == datetime.fromisoformat("2024-05-20T23:00:00+00:00")  # the replay's last candle


def _triggered_run(running_airflow, dag_id: str) -> dict:
    """The newest run of `dag_id` once the trigger has created it."""
    return running_airflow.wait(
        f"a run of {dag_id}", lambda: next(iter(running_airflow.client.runs(dag_id)[0]), None), 30
    )
