"""Helpers every benchmark shares: an isolated PostgreSQL schema, a temporary MLflow store, figures printing."""

import json
import os
import resource
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FULL_HISTORY = ("2017-09-26T00:00:00+00:00", "2024-05-21T00:00:00+00:00")


@contextmanager
def fresh_schema():
    """A new schema on BENCH_DATABASE_URL, dropped afterwards; yields a URL whose search_path points at it."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(BASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{BASE_URL}{'&' if '?' in BASE_URL else '?'}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def temporary_mlflow():
    """A temporary MLflow store and alerts log, set in the environment; yields its folder."""
    with tempfile.TemporaryDirectory() as home:
        os.environ.update(
            {
                "MLOPS_ENV_FILE": os.devnull,
                "DATA_SOURCE": "replay",
                "MLFLOW_TRACKING_URI": f"sqlite:///{home}/mlflow.db",
                "MLFLOW_ARTIFACT_LOCATION": Path(home, "mlruns").as_uri(),
                "ALERTS_LOG_FILE": f"{home}/alerts.log",
            }
        )
        yield Path(home)


@contextmanager
def isolated_stack():
    """A fresh schema (as DATABASE_URL) and a temporary MLflow store; yields the database URL."""
    with fresh_schema() as url, temporary_mlflow():
        os.environ["DATABASE_URL"] = url
        yield url


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, rows: list[tuple[str, str]], figures: dict) -> None:
    """A short table for people, then one JSON line for machines."""
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps(figures, default=str))
