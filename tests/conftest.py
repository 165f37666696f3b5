"""Shared fixtures: an isolated environment, real databases, a real Airflow home.

Every test session gets its own PostgreSQL schema on the machine's server (TEST_DATABASE_URL, default the
`test` database on 127.0.0.1:5432), so parallel sessions never see each other's rows. Nothing here reaches
the internet: the data source is the shipped replay, Slack is unset, MLflow is a temp directory.
"""

import json
import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory):
    """Environment variables every test starts from; individual tests override with monkeypatch."""
    home = tmp_path_factory.mktemp("env")
    os.environ.update(
        {
            "MLOPS_ENV_FILE": os.devnull,
            "DATA_SOURCE": "replay",
            "MLFLOW_TRACKING_URI": f"sqlite:///{home / 'mlflow.db'}",
            "MLFLOW_ARTIFACT_LOCATION": (home / "mlruns").as_uri(),
            "ALERTS_LOG_FILE": str(home / "alerts.log"),
            "EMBEDDED_PG_DIR": str(home / "pg"),
            "UPBIT_BACKOFF_SECONDS": "0.01",
        }
    )
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    yield home


@pytest.fixture(scope="session")
def new_schema():
    """Makes fresh schemas on the machine's PostgreSQL (TEST_DATABASE_URL): `new_schema()` returns a URL whose
    search_path is a new schema; all are dropped after the session."""
    base_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    admin, made = create_engine(base_url), []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        separator = "&" if "?" in base_url else "?"
        return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"

    yield make
    with admin.begin() as conn:
        for schema in made:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_url(new_schema):
    """The session's schema, shared by the tests that use `database` (it empties the tables before each)."""
    return new_schema()


@pytest.fixture
def database(pg_url, empty_database, monkeypatch):
    """DATABASE_URL pointed at the session schema, emptied of rows before the test."""
    monkeypatch.setenv("DATABASE_URL", pg_url)
    return empty_database()


@pytest.fixture(scope="session")
def empty_database(pg_url):
    """Call it to empty every table of the session schema (migration bookkeeping kept); it returns the engine."""
    from db_handler import get_engine

    def empty():
        engine = get_engine(pg_url)
        with engine.begin() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'alembic%'"
                    )
                )
                .scalars()
                .all()
            )
            if tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " RESTART IDENTITY"))
        return engine

    return empty


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory, isolated_environment):
    """A migrated Airflow home (SQLite metadata) whose DAG folder is the repo's dags/."""
    home = tmp_path_factory.mktemp("airflow")
    env = airflow_env(home)
    subprocess.run([_bin("airflow"), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    return home


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        **extra,
    }


@pytest.fixture
def airflow_environ(airflow_home) -> dict[str, str]:
    """Environment for an Airflow subprocess on the test Airflow home."""
    return airflow_env(airflow_home)


@pytest.fixture
def dags_test(airflow_home):
    """Runs `airflow dags test DAG_ID DATE [--conf JSON]` in a subprocess with the test environment."""

    def run(dag_id: str, logical_date: str, conf: str | None = None, **env: str) -> subprocess.CompletedProcess:
        command = [_bin("airflow"), "dags", "test", dag_id, logical_date]
        if conf:
            command += ["--conf", conf]
        return subprocess.run(
            command, env=airflow_env(airflow_home, **env), capture_output=True, text=True, timeout=600, cwd=REPO_ROOT
        )

    return run


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture
def mlflow_store(tmp_path, monkeypatch) -> str:
    """A fresh local MLflow store (SQLite + artifact folder) for one test."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ARTIFACT_LOCATION", (tmp_path / "mlruns").as_uri())
    return uri


@pytest.fixture
def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now (for servers a test starts)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def http_server():
    """Starts local HTTP servers for doubles of outside services (Slack, Airflow's REST API):
    `http_server(respond)` returns the base URL; respond(method, path, headers, raw_body) -> (status, headers, body),
    where a dict body is sent as JSON."""
    servers = []

    def start(respond) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                status, headers, body = respond(self.command, self.path, dict(self.headers), raw)
                payload = (json.dumps(body) if isinstance(body, (dict, list)) else body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Type" not in headers:
                    self.send_header(
                        "Content-Type", "application/json" if payload[:1] in (b"{", b"[") else "text/plain"
                    )
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
