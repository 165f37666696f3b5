"""A process environment that reaches nothing it should not: no .env, the shipped replay instead of Upbit, Slack
unset, MLflow in a temporary store."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

UNSET = ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "DATABASE_URL")


def isolated(home: Path) -> dict[str, str]:
    """Variables for a test or benchmark process whose files live under `home`."""
    return {
        "MLOPS_ENV_FILE": os.devnull,
        "DATA_SOURCE": "replay",
        "MLFLOW_TRACKING_URI": f"sqlite:///{home / 'mlflow.db'}",
        "MLFLOW_ARTIFACT_LOCATION": (home / "mlruns").as_uri(),
        "ALERTS_LOG_FILE": str(home / "alerts.log"),
        "EMBEDDED_PG_DIR": str(home / "pg"),
    }


def apply_isolated(home: Path) -> None:
    """Set the isolated variables in this process (and unset Slack and DATABASE_URL)."""
    os.environ.update(isolated(home))
    for name in UNSET:
        os.environ.pop(name, None)


@contextmanager
def temporary_mlflow() -> Iterator[Path]:
    """This process isolated, with its MLflow store in a temporary folder; yields the folder."""
    with tempfile.TemporaryDirectory() as home:
        apply_isolated(Path(home))
        yield Path(home)


def new_mlflow_store(folder: Path) -> str:
    """A fresh, empty MLflow store in `folder` (a copy of one migrated once per process: MLflow's own migrations
    take seconds per new SQLite file); returns its tracking URI."""
    shutil.copyfile(_migrated_store(), folder / "mlflow.db")
    return f"sqlite:///{folder / 'mlflow.db'}"


@cache
def _migrated_store() -> Path:
    from mlflow import MlflowClient

    template = Path(tempfile.mkdtemp(prefix="mlops-mlflow-template-")) / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{template}").search_experiments()
    return template


@contextmanager
def isolated_stack() -> Iterator[str]:
    """This process isolated, with a throwaway schema as DATABASE_URL and a temporary MLflow store; yields the URL."""
    from devkit.databases import throwaway_schema

    with throwaway_schema("bench") as url, temporary_mlflow():
        os.environ["DATABASE_URL"] = url
        yield url
