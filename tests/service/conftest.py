"""What the service's tests stand on: a double of Airflow 3's REST API at the HTTP level (token auth, DAG runs,
task instances, logs), a served world of both projects in a schema and MLflow store of its own (built once, only
read), and a small world of one project for the tests that move roles."""

import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

USERNAME, PASSWORD, API_TOKEN = "ops", "airflow-pass-7f3a", "api-token-5c1e9b"
CRYPTO, MARKET, CRYPTO_MODEL = "crypto_forecast", "KRW-BTC", "crypto_forecast-KRW-BTC"
TUMOR = "tumor_classifier"
SHADOW_HOURS = (24, 30, 36, 42)  # monitored windows after train_end: the shadow is on trial (48 h) in all of them


class AirflowDouble:
    """Answers the /auth/token and /api/v2 routes the service uses, keeping DAG runs in memory. Every request
    is recorded; API routes refuse a missing or wrong bearer token with 401, as Airflow does."""

    def __init__(self, dag_ids: list[str]) -> None:
        self.runs: dict[str, list[dict]] = {dag_id: [] for dag_id in dag_ids}
        self.requests: list[dict] = []
        self.tokens: set[str] = set()

    def respond(self, method: str, path: str, headers: dict, raw: str) -> tuple[int, dict, object]:
        self.requests.append({"method": method, "path": path, "headers": headers, "body": raw})
        url = urlsplit(path)
        path, query = unquote(url.path), {name: values[0] for name, values in parse_qs(url.query).items()}
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
        return self._api(method, path, query, raw)

    def _api(self, method: str, path: str, query: dict, raw: str) -> tuple[int, dict, object]:
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
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
            page = [self._public(run) for run in runs[offset : offset + limit]]
            return 200, {}, {"dag_runs": page, "total_entries": len(runs)}
        run = next((run for run in self.runs[dag_id] if run["dag_run_id"] == run_id), None)
        if run is None:
            return 404, {}, {"detail": f"DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found"}
        if task_id:
            line = {"timestamp": run["run_after"], "event": f"{task_id}[{query['map_index']}] try {try_number}: done"}
            return 200, {}, {"content": [line, {"event": "::endgroup::", "level": "info"}], "continuation_token": None}
        if tasks:
            return 200, {}, {"task_instances": run["tasks"], "total_entries": len(run["tasks"])}
        return 200, {}, self._public(run)

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
            "note": None,
            "tasks": [
                {
                    "task_id": "run_stage",
                    "map_index": -1,
                    "state": "success" if state == "success" else None,
                    "try_number": 1,
                    "start_date": now,
                    "end_date": now,
                    "hostname": "worker-1",
                }
            ],
        }
        self.runs[dag_id].append(run)
        return self._public(run)

    @staticmethod
    def _public(run: dict) -> dict:
        return {key: value for key, value in run.items() if key != "tasks"}


@pytest.fixture
def airflow_server(http_server, monkeypatch):
    """The double, with AIRFLOW_URL and its credentials set for the service."""
    from lifecycle.discovery import KINDS, discover

    double = AirflowDouble([f"{project}_{kind}_wf" for project in discover() for kind in KINDS])
    double.url = http_server(double.respond)
    monkeypatch.setenv("AIRFLOW_URL", double.url)
    monkeypatch.setenv("AIRFLOW_USERNAME", USERNAME)
    monkeypatch.setenv("AIRFLOW_PASSWORD", PASSWORD)
    return double


def store_env(schema_url: str, folder) -> dict[str, str]:
    """The environment that points the platform at a schema and an MLflow store of its own."""
    return {
        "DATABASE_URL": schema_url,
        "MLFLOW_TRACKING_URI": f"sqlite:///{folder / 'mlflow.db'}",
        "MLFLOW_ARTIFACT_LOCATION": (folder / "mlruns").as_uri(),
    }


@pytest.fixture(scope="session")
def served_world(new_schema, tmp_path_factory):
    """Both projects on their smoke timelines, only ever read by the tests:

    crypto_forecast KRW-BTC: v1 the naive baseline (it wins the smoke training: the baseline serves), v2 ridge
    (the same training again, rejected, then put in shadow by hand), forecasts of all three roles, monitoring at
    SHADOW_HOURS after train_end (the shadow on trial throughout).
    tumor_classifier (one partition, `all`): v1 random forest, forecasts, daily monitoring rows that see drift
    (and alert)."""
    from db_handler import get_engine
    from lifecycle import stages
    from lifecycle.discovery import load_project
    from lifecycle.records import utc
    from service.models.roles import assign_by_hand

    env = store_env(new_schema(), tmp_path_factory.mktemp("served-mlflow"))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        crypto = load_project(CRYPTO)
        example = crypto.spec("smoke").example
        stages.data(crypto, example.data_start, example.end, config="smoke")
        decisions = [stages.train(crypto, end=example.train_end, config="smoke") for _ in range(2)]
        assert [d["decision"] for d in decisions] == ["promoted", "rejected"]
        assert [d["candidate"] for d in decisions] == ["naive", "ridge"]
        assign_by_hand(get_engine(), CRYPTO, CRYPTO_MODEL, "2", "shadow", "ridge proves itself on live data")
        stages.inference(crypto, example.train_end, example.end, config="smoke")
        crypto_ends = [utc(example.train_end) + timedelta(hours=hours) for hours in SHADOW_HOURS]
        for end in crypto_ends:
            assert stages.monitor(crypto, end, config="smoke")["shadow"]["verdict"] == "on trial"

        tumor = load_project(TUMOR)
        example = tumor.spec("smoke").example
        stages.data(tumor, example.data_start, example.end, config="smoke")
        assert stages.train(tumor, end=example.train_end, config="smoke")["decision"] == "promoted"
        stages.inference(tumor, example.train_end, example.end, config="smoke")
        tumor_ends = [utc(example.end) - timedelta(days=days) for days in (2, 1, 0)]
        for end in tumor_ends:
            stages.monitor(tumor, end, config="smoke")
    return {"env": env, "train_end": utc(crypto.spec("smoke").example.train_end), "crypto_ends": crypto_ends}


@pytest.fixture
def served(served_world, monkeypatch):
    """The served world's environment for one test, with API_TOKEN set."""
    for name, value in {**served_world["env"], "API_TOKEN": API_TOKEN}.items():
        monkeypatch.setenv(name, value)
    return served_world


@pytest.fixture
def moves_world(new_schema, tmp_path, monkeypatch):
    """tumor_classifier for tests that move roles: v1 (the first champion), v2 champion (the same training again:
    v1 stays, refitted), no forecasts; in a schema and MLflow store of its own, set in the environment with
    API_TOKEN."""
    from lifecycle import stages
    from lifecycle.discovery import load_project

    for name, value in {**store_env(new_schema(), tmp_path), "API_TOKEN": API_TOKEN}.items():
        monkeypatch.setenv(name, value)
    tumor = load_project(TUMOR)
    example = tumor.spec("smoke").example
    stages.data(tumor, example.data_start, example.train_end, config="smoke")
    decisions = [stages.train(tumor, end=example.train_end, config="smoke")["decision"] for _ in range(2)]
    assert decisions == ["promoted", "refitted"]


@pytest.fixture
def auth() -> dict:
    """The header that opens the endpoints needing the token."""
    return {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
def client(served, airflow_server):
    from service.api.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client
