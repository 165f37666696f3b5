"""What the service's tests stand on: a double of Airflow 3's REST API at the HTTP level (token auth, DAG runs,
task instances, logs), and a crypto_forecast world in its own schema and MLflow store, built once."""

import json
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

USERNAME, PASSWORD, API_TOKEN = "ops", "airflow-pass-7f3a", "api-token-5c1e9b"


class AirflowDouble:
    """Answers the /auth/token and /api/v2 routes the service uses, keeping DAG runs in memory. Every request
    is recorded; API routes refuse a missing or wrong bearer token with 401, as Airflow does."""

    def __init__(self, dag_ids: list[str]) -> None:
        self.runs: dict[str, list[dict]] = {dag_id: [] for dag_id in dag_ids}
        self.requests: list[dict] = []
        self.tokens: set[str] = set()

    def respond(self, method: str, path: str, headers: dict, raw: str) -> tuple[int, dict, object]:
        self.requests.append({"method": method, "path": path, "headers": headers, "body": raw})
        path = path.split("?")[0]
        if path == "/auth/token" and method == "POST":
            given = json.loads(raw or "{}")
            if (given.get("username"), given.get("password")) != (USERNAME, PASSWORD):
                return 401, {}, {"detail": "Invalid credentials"}
            token = secrets.token_hex(8)
            self.tokens.add(token)
            return 201, {}, {"access_token": token}
        if path == "/api/v2/monitor/health":
            return 200, {}, {"metadatabase": {"status": "healthy"}, "scheduler": {"status": "healthy"}}
        if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return 401, {}, {"detail": "Not authenticated"}
        return self._api(method, path, raw)

    def _api(self, method: str, path: str, raw: str) -> tuple[int, dict, object]:
        match = re.fullmatch(
            r"/api/v2/dags/([^/]+)/dagRuns(?:/([^/]+))?(/taskInstances)?(?:/([^/]+)/logs/(\d+))?", path
        )
        if not match or match[1] not in self.runs:
            return 404, {}, {"detail": f"The Dag with dag_id: `{match[1] if match else path}` was not found"}
        dag_id, run_id, tasks, task_id, try_number = match.groups()
        if run_id is None:
            if method == "POST":
                return 200, {}, self.add_run(dag_id, json.loads(raw)["conf"], "manual")
            runs = sorted(self.runs[dag_id], key=lambda run: run["run_after"], reverse=True)
            return 200, {}, {"dag_runs": runs, "total_entries": len(runs)}
        run = next((run for run in self.runs[dag_id] if run["dag_run_id"] == run_id), None)
        if run is None:
            return 404, {}, {"detail": f"DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found"}
        if task_id:
            return (
                200,
                {},
                {"content": [{"event": f"{task_id} try {try_number}: stage finished"}], "continuation_token": None},
            )
        if tasks:
            return 200, {}, {"task_instances": run["tasks"], "total_entries": len(run["tasks"])}
        return 200, {}, {key: value for key, value in run.items() if key != "tasks"}

    def add_run(self, dag_id: str, conf: dict, run_type: str, state: str = "queued") -> dict:
        now = datetime.now(UTC).isoformat()
        run = {
            "dag_id": dag_id,
            "dag_run_id": f"{run_type}__{now}",
            "state": state,
            "run_type": run_type,
            "logical_date": None,
            "run_after": now,
            "start_date": None,
            "end_date": None,
            "conf": conf,
            "tasks": [
                {
                    "task_id": "run_stage",
                    "map_index": -1,
                    "state": "success" if state == "success" else None,
                    "try_number": 1,
                    "start_date": now,
                    "end_date": now,
                }
            ],
        }
        self.runs[dag_id].append(run)
        return {key: value for key, value in run.items() if key != "tasks"}


@pytest.fixture
def airflow_server(http_server, monkeypatch):
    """The double, with AIRFLOW_URL and its credentials set for the service."""
    from service.projects import KINDS, discover

    double = AirflowDouble([f"{project}_{kind}_wf" for project in discover() for kind in KINDS])
    double.url = http_server(double.respond)
    monkeypatch.setenv("AIRFLOW_URL", double.url)
    monkeypatch.setenv("AIRFLOW_USERNAME", USERNAME)
    monkeypatch.setenv("AIRFLOW_PASSWORD", PASSWORD)
    return double


@pytest.fixture(scope="session")
def served_world(new_schema, tmp_path_factory):
    """crypto_forecast on its smoke timeline, in a schema and MLflow store of its own: champion v1, challenger v2
    (the same training again, which cannot beat v1 by the gate's margin), forecasts, monitoring rows."""
    from projects.crypto_forecast.utils import load_spec_from_config
    from service.projects import run_module

    store = tmp_path_factory.mktemp("served-mlflow")
    env = {
        "DATABASE_URL": new_schema(),
        "MLFLOW_TRACKING_URI": f"sqlite:///{store / 'mlflow.db'}",
        "MLFLOW_ARTIFACT_LOCATION": (store / "mlruns").as_uri(),
    }
    spec = load_spec_from_config("smoke")
    example, train_end = spec.example, datetime.fromisoformat(spec.example.train_end)
    ends = [train_end + timedelta(hours=hours) for hours in range(24, 73, 6)]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        run = run_module("crypto_forecast")
        run.data(example.data_start, example.end, config="smoke")
        decisions = [run.train(end=example.train_end, config="smoke")["decision"] for _ in range(2)]
        assert decisions == ["promoted", "rejected"]
        run.inference(example.train_end, example.end, config="smoke")
        for end in ends:
            run.monitor(end, config="smoke")
    return {"env": env, "train_end": train_end, "monitor_ends": ends, "decay_factor": spec.monitoring.decay_factor}


@pytest.fixture
def served(served_world, monkeypatch):
    """The served world's environment for one test, with API_TOKEN set."""
    for name, value in {**served_world["env"], "API_TOKEN": API_TOKEN}.items():
        monkeypatch.setenv(name, value)
    return served_world


@pytest.fixture
def auth() -> dict:
    """The header that opens the mutating endpoints of the served world."""
    return {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
def client(served, airflow_server):
    from service.api.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client
