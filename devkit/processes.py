"""Servers a test or a check starts as processes of their own (each in its own session, so stopping it stops its
children), and waits for."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def wait_until(what: str, ready: Callable[[], bool], timeout: float, alive: Callable[[], bool] = lambda: True) -> None:
    """Poll `ready` until it answers True; AssertionError naming `what` when it dies or the time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not alive():
            raise AssertionError(f"{what} exited before it was ready")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(0.5)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Server:
    """One command run as a server process, its output in `log`; `start()`, `stop()`, `restart()`."""

    def __init__(self, name: str, command: list[str], log: Path, health_url: str, env: dict | None = None) -> None:
        self.name, self.command, self.log, self.health_url = name, command, log, health_url
        self.env = env or dict(os.environ)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> "Server":
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            self.command, stdout=handle, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        handle.close()
        wait_until(self.name, lambda: answers(self.health_url), timeout, lambda: self.process.poll() is None)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def service(port: int, log: Path, env: dict | None = None) -> Server:
    """The REST API and dashboard (`python -m service.api`, one uvicorn worker), ready once /projects answers
    (/health may answer 503 on purpose: a test's outage)."""
    command = [sys.executable, "-m", "service.api", "--port", str(port)]
    return Server("the service", command, log, f"http://127.0.0.1:{port}/projects", env)


def mlflow_server(folder: Path, port: int) -> Server:
    """An `mlflow server` on SQLite with artifacts proxied to `folder`/artifacts (the team stack's setup)."""
    command = [
        str(BIN / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{folder / 'server.db'}",
        "--artifacts-destination",
        (folder / "artifacts").as_uri(),
    ]
    return Server("mlflow server", command, folder / "server.log", f"http://127.0.0.1:{port}/health")
