"""The dashboard in a real browser: headless Chromium (Debian's package) driven by playwright, against the service
served by uvicorn on loopback, over the served world. What each chart draws is read from plotly's own data on the
page (`element.data`); every test keeps a screenshot in artifacts/screenshots/. Skipped where Chromium is not
installed (.ci/run installs it)."""

import shutil
import threading
import time
from datetime import timedelta

import pytest
import uvicorn
from sqlalchemy import func, select

from compose.paths import ARTIFACTS_DIR
from tests.service.conftest import API_TOKEN, CRYPTO, CRYPTO_MODEL, MARKET, SHADOW_HOURS, TUMOR

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ARTIFACTS_DIR / "screenshots"
CHARTS = ["chart-outcomes", "chart-decay", "chart-drift", "chart-versions", "chart-live"]
TRACES = "id => document.getElementById(id).data.map(trace => ({name: trace.name, x: trace.x.length, y: [...trace.y]}))"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def live_service(served, airflow_server, free_port):
    from service.api.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=free_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{free_port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser_page():
    """A Chromium page; JS errors on it fail the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1250, "height": 900})
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        browser.close()
    assert page.errors == []


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 30_000


def test_overview_shows_who_serves_what_monitoring_said_and_triggers_a_run(live_service, airflow_server, browser_page):
    page = browser_page
    airflow_server.add_run(f"{CRYPTO}_monitoring_wf", {}, "scheduled", state="success")
    page.goto(f"{live_service}/dashboard")

    crypto, tumor = page.locator(f"#project-{CRYPTO} table.models"), page.locator(f"#project-{TUMOR} table.models")
    crypto_row = crypto.locator("tbody tr").inner_text()
    assert crypto_row.startswith(MARKET) and "v1 (naive) the baseline serves" in crypto_row
    assert "test mae" in crypto_row and "(as good)" in crypto_row and "v2 (ridge)" in crypto_row
    tumor_row = tumor.locator("tbody tr").inner_text()
    assert tumor_row.startswith("all") and "v1 (random_forest)" in tumor_row and "baseline serves" not in tumor_row
    assert "better)" in tumor_row and "drift" in tumor.locator(".decision").inner_text()

    workflows = page.locator(f"#project-{CRYPTO} table.workflows tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in workflows] == ["data", "train", "inference", "monitoring"]
    assert "success" in workflows[3] and "no run yet" in workflows[0]
    assert "drift" in page.locator(f"#project-{TUMOR} table.alerts").inner_text()

    page.once("dialog", lambda dialog: dialog.accept(API_TOKEN))  # the token is asked for once, then kept
    page.click(f"#project-{CRYPTO} button.trigger[data-kind=train]")
    result = page.locator(f"#project-{CRYPTO} button.trigger[data-kind=train] + .trigger-result")
    result.filter(has_text="triggered").wait_for(timeout=10_000)
    page.click(f"#project-{TUMOR} button.trigger[data-kind=data]")
    page.locator(f"#project-{TUMOR} button.trigger[data-kind=data] + .trigger-result").filter(
        has_text="triggered"
    ).wait_for()
    screenshot(page, "dashboard-overview")

    assert result.inner_text().startswith("triggered manual__")
    assert [run["conf"] for run in airflow_server.runs[f"{CRYPTO}_train_wf"]] == [{}]
    assert len(airflow_server.runs[f"{TUMOR}_data_wf"]) == 1
    assert page.evaluate("() => sessionStorage.getItem('mlops-api-token')") == API_TOKEN


def test_overview_notes_an_unreachable_airflow_and_still_shows_the_models(live_service, monkeypatch, browser_page):
    monkeypatch.setenv("AIRFLOW_URL", "http://127.0.0.1:9")
    browser_page.goto(f"{live_service}/dashboard")
    notes = browser_page.locator(".airflow-note").all_inner_texts()
    assert notes and all("unreachable" in note for note in notes)
    assert "the baseline serves" in browser_page.locator(f"#project-{CRYPTO} table.models").inner_text()
    screenshot(browser_page, "dashboard-overview-airflow-down")


def test_project_page_draws_each_chart_on_data_time(live_service, served, browser_page):
    page = browser_page
    page.goto(f"{live_service}/dashboard/{CRYPTO}")
    page.wait_for_function("ids => ids.every(id => document.getElementById(id)?.data)", arg=CHARTS)
    traces = {chart: page.evaluate(TRACES, chart) for chart in CHARTS}
    monitored = len(SHADOW_HOURS)

    realised = realised_forecasts(served)
    assert [(t["name"], t["x"]) for t in traces["chart-outcomes"]] == [
        ("actual", realised),
        ("champion forecast", realised),
        ("shadow forecast", realised),
    ]
    assert [(t["name"], t["x"]) for t in traces["chart-decay"]] == [("ratio", monitored), ("limit", monitored)]
    assert traces["chart-decay"][1]["y"] == [1.25] * monitored
    # four PSI panels and the level check of range_1h, three traces each
    assert len(traces["chart-drift"]) == 5 * 3 and {t["x"] for t in traces["chart-drift"]} == {monitored}
    versions = {t["name"]: t for t in traces["chart-versions"]}
    assert versions["champion"]["y"] == [1] * monitored and versions["shadow"]["y"] == [2] * monitored
    assert versions["moves"]["y"] == [2, 1]  # the gate's reject of v2 and promotion of v1, at train_end
    assert [t["name"] for t in traces["chart-live"]] == [
        "champion",
        "baseline",
        "shadow",
        "champion on the shadow's trial",
    ]
    assert {t["x"] for t in traces["chart-live"]} == {monitored}

    first_window = page.evaluate("() => document.getElementById('chart-decay').data[0].x[0]")
    assert first_window.startswith((served["train_end"] + timedelta(hours=SHADOW_HOURS[0])).strftime("%Y-%m-%d"))
    assert page.inner_text("#partitions") == f"partitions: {MARKET}"
    assert "the baseline serves" in page.inner_text("table.roles")
    assert page.inner_text("#decision") in ("ok", "warn", "drift", "decay", "drift+decay")
    assert f"registered model {CRYPTO_MODEL}" in page.inner_text("p.model")

    point = page.locator("#chart-decay .scatterlayer .point").nth(1)
    point.scroll_into_view_if_needed()
    page.mouse.move(*middle(point.bounding_box()))  # plotly's own hover label: the values of that window
    hovered = page.locator("#chart-decay .hoverlayer .legend")
    hovered.wait_for()
    assert {"ratio : 1", "limit : 1.25"} <= set(hovered.locator("text").all_text_contents())
    screenshot(page, "dashboard-crypto_forecast")


def test_project_page_of_a_single_partition_project(live_service, browser_page):
    page = browser_page
    page.goto(f"{live_service}/dashboard/{TUMOR}?partition=all")
    page.wait_for_function("() => document.getElementById('chart-live')?.data")
    outcomes = page.evaluate(TRACES, "chart-outcomes")
    assert [t["name"] for t in outcomes] == ["actual", "champion forecast"] and outcomes[0]["x"] > 0
    assert len(page.evaluate(TRACES, "chart-drift")) == 5 * 3
    assert page.inner_text("#partitions") == "partitions: all" and "drift" in page.inner_text("#decision")
    screenshot(page, "dashboard-tumor_classifier")


def middle(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def realised_forecasts(served) -> int:
    """How many champion forecasts of the served world have their outcome stored (what the outcomes chart draws)."""
    from db_handler import get_engine
    from lifecycle.discovery import load_project

    tables = load_project(CRYPTO).tables
    predictions, raw = tables.predictions, tables.raw
    query = select(func.count()).where(
        predictions.c.role == "champion", predictions.c.target_time.in_(select(raw.c.candle_time))
    )
    with get_engine().connect() as conn:
        return conn.execute(query).scalar_one()
