"""An Airflow home for tests and scripts, `airflow dags test` as a function, and `airflow standalone` as a process.

`airflow dags test` runs a whole DAG run in-process on the home's SQLite metadata database (triggered runs
included): real Airflow, no scheduler needed. `Standalone` is the real thing (scheduler, api-server, UI) for the
stack tests, which trigger runs the way people do."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from compose.paths import REPO_ROOT
from devkit.http import free_port

AIRFLOW = str(Path(sys.executable).parent / "airflow")


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment, with Airflow's home at `home` and the repository's dags/."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        **extra,
    }


def migrate(home: Path) -> Path:
    """Create (or upgrade) Airflow's metadata database in `home`."""
    subprocess.run([AIRFLOW, "db", "migrate"], env=airflow_env(home), check=True, capture_output=True, timeout=300)
    return home


@dataclass(frozen=True)
class DagRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def summaries(self) -> list[dict]:
        """The JSON summary lines the run's stages printed, in order."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith('{"stage"')]

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0 and "state=failed" not in self.output


def dags_test(dag_id: str, env: dict[str, str], logical_date: str | None = None, conf: dict | None = None) -> DagRun:
    """One real DAG run in-process. Without `logical_date` the run has none (a bare trigger's run)."""
    command = [AIRFLOW, "dags", "test", dag_id, *([logical_date] if logical_date else [])]
    if conf:
        command += ["--conf", json.dumps(conf)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, cwd=REPO_ROOT)
    return DagRun(result.returncode, result.stdout, result.stderr)


class Standalone:
    """`airflow standalone` (api-server, scheduler, dag-processor, triggerer) as a process of its own, on a free port,
    with a home in `folder` and one admin whose password is known; `stop()` ends it and its children."""

    def __init__(self, folder: Path, port: int, password: str = "stack-test-password", **extra: str) -> None:
        self.folder, self.password = folder, password
        self.url = f"http://127.0.0.1:{port}"
        (folder / "passwords.json").write_text(json.dumps({"admin": password}))
        self.env = airflow_env(
            folder / "airflow",
            PATH=f"{Path(AIRFLOW).parent}{os.pathsep}{os.environ['PATH']}",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(folder / "passwords.json"),
            AIRFLOW__API__PORT=str(port),
            AIRFLOW__API__BASE_URL=self.url,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.url}/execution/",
            AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="2",
            AIRFLOW__CORE__PARALLELISM="4",  # SQLite metadata: see scripts/env.sh
            # the scheduler's and the triggerer's log servers too (8793 and 8794 by default): two standalones at
            # once, in concurrent test sessions, would otherwise fight over them
            AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
            **extra,
        )
        self.log = folder / "standalone.log"
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                [AIRFLOW, "standalone"],
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=REPO_ROOT,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """An `airflow` command on this standalone's home (its metadata database)."""
        return subprocess.run(
            [AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, check=False
        )

    def stop(self) -> None:
        """SIGTERM to the whole process group, then SIGKILL to whatever outlives it (the api-server can linger
        after `standalone` itself has exited)."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(30)
        time.sleep(2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
