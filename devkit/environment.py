"""A process environment that reaches nothing it should not: no .env, the shipped replay instead of Upbit, Slack
unset, MLflow in a temporary store."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
