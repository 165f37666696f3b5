"""Shared fixtures: an isolated environment, real databases, a real Airflow home (devkit is the harness).

Every test session gets its own PostgreSQL schemas, on TEST_DATABASE_URL when set (CI: the machine's server),
else on an embedded PostgreSQL started for the session, so parallel sessions never see each other's rows.
Nothing here reaches the internet: the data source is the shipped replay, Slack is unset, MLflow is a temp dir.
"""

import os
import tempfile
from pathlib import Path

import pytest

from devkit import airflow, environment
from devkit.databases import Schemas, empty_tables, test_server
from devkit.http import LocalServer, SlackDouble
from devkit.http import free_port as any_free_port
from devkit.processes import mlflow_server


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory):
    """Environment variables every test starts from; individual tests override with monkeypatch."""
    home = tmp_path_factory.mktemp("env")
    environment.apply_isolated(home)
    yield home


@pytest.fixture(scope="session")
def new_schema():
    """`new_schema()` returns a URL whose search_path is a new schema; all are dropped after the session."""
    with test_server() as base_url:
        schemas = Schemas(base_url)
        yield schemas.new
        schemas.drop_all()


@pytest.fixture(scope="session")
def pg_url(new_schema):
    """The session's schema, shared by the tests that use `database` (it empties the tables before each)."""
    return new_schema()


@pytest.fixture
def database(pg_url, monkeypatch):
    """DATABASE_URL pointed at the session schema, emptied of rows before the test; returns its engine."""
    from db_handler import get_engine

    monkeypatch.setenv("DATABASE_URL", pg_url)
    empty_tables(pg_url)
    return get_engine(pg_url)


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory, isolated_environment):
    """A migrated Airflow home (SQLite metadata) whose DAG folder is the repo's dags/."""
    return airflow.migrate(tmp_path_factory.mktemp("airflow"))


@pytest.fixture
def airflow_environ(airflow_home) -> dict[str, str]:
    """Environment for an Airflow subprocess on the test Airflow home."""
    return airflow.airflow_env(airflow_home)


@pytest.fixture
def dags_test(airflow_home):
    """`dags_test(dag_id, logical_date=None, conf=None, **env)`: one real DAG run (devkit.airflow.DagRun)."""

    def run(dag_id: str, logical_date: str | None = None, conf: dict | None = None, **env: str) -> airflow.DagRun:
        return airflow.dags_test(dag_id, airflow.airflow_env(airflow_home, **env), logical_date, conf)

    return run


@pytest.fixture
def mlflow_store(tmp_path, monkeypatch) -> str:
    """A fresh local MLflow store (SQLite + artifact folder) for one test."""
    uri = environment.new_mlflow_store(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ARTIFACT_LOCATION", (tmp_path / "mlruns").as_uri())
    return uri


@pytest.fixture
def embedded_pg_dir():
    """A data folder for an embedded PostgreSQL of the test's own, stopped afterwards. Not under pytest's tmp_path:
    a concurrent pytest session resets that tree to mode 0700, which locks the server's own system user (and so
    pg_ctl) out of it."""
    from db_handler.embedded import stop

    with tempfile.TemporaryDirectory(prefix="mlops-test-pg-") as folder:
        data_dir = Path(folder) / "pg"
        yield data_dir
        if data_dir.exists():
            stop(data_dir)


@pytest.fixture
def free_port() -> int:
    return any_free_port()


@pytest.fixture
def tracking_server(tmp_path, monkeypatch, free_port):
    """A local `mlflow server` (SQLite, artifacts proxied to its own store), MLflow pointed at it."""
    server = mlflow_server(tmp_path, free_port).start()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port}")
    monkeypatch.delenv("MLFLOW_ARTIFACT_LOCATION", raising=False)  # the server's own store
    yield server
    server.stop()


@pytest.fixture
def http_server():
    """`http_server(respond)` starts a local HTTP double and returns its base URL (devkit.http.LocalServer)."""
    servers = []

    def start(respond) -> str:
        servers.append(LocalServer(respond))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def slack_server(http_server) -> SlackDouble:
    """A local Slack-compatible server recording every request; `.url` is its base URL."""
    double = SlackDouble()
    double.url = http_server(double.respond)
    return double


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's `--dist loadfile` (scripts/test.sh), with all of tests/stack as one unit: a file's tests run on
    one worker, in order, as without xdist (module-scoped fixtures, tests that build on each other), and the stack
    tests' package-scoped `airflow standalone` starts once. (xdist_group marks cannot do it: under pytest 9,
    xdist 3.8's loadgroup never renames the tests it groups, and so groups nothing.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class StackTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "tests/stack" if scope.startswith("tests/stack/") else scope

    return StackTogether(config, log)


def pytest_report_header() -> str:
    server = os.environ.get("TEST_DATABASE_URL") or "an embedded PostgreSQL for this session"
    return f"results database for tests: {server.split('@')[-1]}"
