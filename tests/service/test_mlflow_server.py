"""Training and the gate against a real `mlflow server` (the team stack's setup: the server proxies artifacts to
its own store), not only a local store: a tracking server checks what a local store lets pass (a logged
model's version must name its model id)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


@pytest.fixture
def mlflow_server(tmp_path, monkeypatch, free_port):
    port = free_port
    artifacts = tmp_path / "server-artifacts"
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{tmp_path / 'server.db'}",
        "--artifacts-destination",
        artifacts.as_uri(),
    ]
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-2000:]
            time.sleep(0.5)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        monkeypatch.delenv("MLFLOW_ARTIFACT_LOCATION", raising=False)  # the server's own store
        yield {"url": url, "artifacts": artifacts}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()


def test_train_registers_and_promotes_through_a_tracking_server(database, mlflow_server):
    from mlflow import MlflowClient

    from projects.crypto_forecast import run
    from projects.crypto_forecast.utils import load_spec_from_config

    example = load_spec_from_config("smoke").example
    run.data(example.data_start, example.end, config="smoke")
    summary = run.train(end=example.train_end, config="smoke")

    assert summary["decision"] == "promoted"
    champion = MlflowClient(tracking_uri=mlflow_server["url"]).get_model_version_by_alias(summary["model"], "champion")
    assert str(champion.version) == summary["version"]
    assert list(mlflow_server["artifacts"].rglob("MLmodel")), "the model files went to the server's artifact store"
    assert run.inference(example.train_end, example.end, config="smoke")["rows_written"] > 0  # loads it back


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
