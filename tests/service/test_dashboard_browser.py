"""The dashboard in a real browser: headless Chromium (Debian's package) driven by playwright, against the
service served by uvicorn on loopback. Skipped where Chromium is not installed (.ci/run installs it)."""

import shutil
import threading
import time

import pytest
import uvicorn

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def live_service(served, airflow_server, free_port):
    from service.api.app import create_app

    port = free_port
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_dashboard_shows_the_champion_status_and_four_drawn_plots(live_service, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f"{live_service}/dashboard")
        page.click("text=crypto_forecast")
        page.wait_for_function(
            "[...document.images].length === 4 && [...document.images].every(i => i.complete)", timeout=60_000
        )
        sizes = page.eval_on_selector_all("img", "images => images.map(i => [i.id, i.naturalWidth, i.naturalHeight])")
        champions, status = page.inner_text("#champions"), page.inner_text("#status")
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        browser.close()

    assert "crypto_forecast-KRW-BTC: champion v1" in champions
    assert status.startswith("latest monitoring:") and "UTC" in status
    assert {image_id for image_id, *_ in sizes} == {"plot-outcomes", "plot-error", "plot-drift", "plot-champions"}
    assert all(width > 600 and height > 200 for _, width, height in sizes), sizes
    assert (tmp_path / "dashboard.png").stat().st_size > 50_000
