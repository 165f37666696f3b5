"""One real `airflow standalone` for the stack tests (package scope: the UI tests and the bare-trigger tests share a
single start, the slowest step), over a results schema and an MLflow store of its own, with the state the DAGs need
already there: each project's data stored, and a champion for each trained on the smoke config."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from compose.settings import Settings
from devkit import environment
from devkit.airflow import Standalone
from devkit.http import free_port
from service.api.airflow_client import AirflowClient

PROJECTS = ("crypto_forecast", "tumor_classifier")
KINDS = ("data", "train", "inference", "monitoring")
DAG_IDS = [f"{project}_{kind}_wf" for project in PROJECTS for kind in KINDS]
FINISHED = ("success", "failed")


@dataclass
class RunningAirflow:
    standalone: Standalone
    client: AirflowClient

    @property
    def url(self) -> str:
        return self.standalone.url

    @property
    def password(self) -> str:
        return self.standalone.password

    def wait(self, what: str, probe: Callable[[], Any], timeout: float) -> Any:
        """The first truthy answer of `probe` (errors count as not yet); fails with the log's tail otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.standalone.alive():
                pytest.fail(f"airflow standalone exited; its log ends:\n{self.standalone.log_tail()}")
            try:
                if answer := probe():
                    return answer
            except Exception:
                pass
            time.sleep(1)
        pytest.fail(f"{what}: not within {timeout:.0f} s; the standalone log ends:\n{self.standalone.log_tail()}")

    def finished(self, dag_id: str, run_id: str, timeout: float = 300) -> dict:
        """The run once it has succeeded or failed."""
        return self.wait(f"{dag_id} {run_id}", lambda: _if_finished(self.client.run(dag_id, run_id)), timeout)

    def failures(self, dag_id: str, run_id: str) -> str:
        """What went wrong in a run: each task that did not succeed, with the end of its log."""
        lines = []
        for task in self.client.task_instances(dag_id, run_id):
            if task["state"] not in ("success", "skipped"):
                log = self.client.log(dag_id, run_id, task["task_id"], task["try_number"] or 1, task["map_index"])
                events = [entry.get("event", "") for entry in log.get("content", []) if isinstance(entry, dict)]
                lines.append(f"{task['task_id']}[{task['map_index']}] {task['state']}:\n" + "\n".join(events[-30:]))
        return "\n".join(lines)


def _if_finished(run: dict) -> dict | None:
    return run if run["state"] in FINISHED else None


# what each project has stored before Airflow starts: crypto_forecast's candles stop three days before the
# shipped replay does (a bare data run has those to catch up, then nothing), and are few enough that a bare train
# run, on the default config's year-long window, trains on the weeks there are
STORED = {
    "crypto_forecast": ("2024-04-01T00:00:00+00:00", "2024-05-18T00:00:00+00:00"),
    "tumor_classifier": ("2024-01-01T00:00:00+00:00", "2024-01-16T00:00:00+00:00"),
}


@pytest.fixture(scope="package")
def running_airflow(tmp_path_factory, new_schema):
    """`airflow standalone` with every DAG parsed, its tasks writing to a fresh schema and MLflow store where each
    project has data (STORED) and a champion trained on the smoke config up to its newest row."""
    folder = tmp_path_factory.mktemp("standalone")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", new_schema())
        env.setenv("MLFLOW_TRACKING_URI", environment.new_mlflow_store(folder))
        env.setenv("MLFLOW_ARTIFACT_LOCATION", (folder / "mlruns").as_uri())
        # without time schedules unpausing a DAG runs nothing: the only runs are the ones the tests trigger
        standalone = Standalone(folder, free_port(), MLOPS_TIME_SCHEDULES="off")
        client = AirflowClient(
            Settings(airflow_url=standalone.url, airflow_username="admin", airflow_password=standalone.password),
            timeout=30,
        )
        airflow = RunningAirflow(standalone, client)
        try:
            _store_data_and_champions()  # while Airflow starts
            airflow.wait(
                "every DAG parsed",
                lambda: (
                    httpx.get(f"{standalone.url}/api/v2/monitor/health").status_code == 200
                    and all(client.dag(dag_id) for dag_id in DAG_IDS)
                ),
                300,
            )
            yield airflow
        finally:
            standalone.stop()


def _store_data_and_champions() -> None:
    from lifecycle import stages
    from lifecycle.discovery import load_project

    for name, (start, end) in STORED.items():
        project = load_project(name)
        stages.data(project, start, end, config="smoke")
        stages.train(project, config="smoke")
