"""Columns several tables share, for project table definitions (migrations keep their own frozen copies)."""

from sqlalchemy import Boolean, Column, Integer, String, Text

from db_handler.types import JSONDocument, UTCDateTime


def lineage_columns() -> list[Column]:
    """Which model made a prediction, in which MLflow run, during which Airflow run, and when."""
    return [
        Column("model_name", String(200), nullable=False),
        Column("model_version", String(16), nullable=False),
        Column("mlflow_run_id", String(64)),
        Column("airflow_run_id", String(250), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    ]


def monitoring_columns() -> list[Column]:
    """What every monitoring row records besides its key and windows."""
    return [
        Column("model_name", String(200)),
        Column("model_version", String(16)),
        Column("rows_joined", Integer, nullable=False),
        Column("metrics", JSONDocument, comment="live and reference metrics"),
        Column("drift", JSONDocument, comment="per feature: psi, ks_pvalue, level"),
        Column("decision", String(24), nullable=False, comment="ok | warn | drift | decay | drift+decay | ..."),
        Column("reason", Text, nullable=False),
        Column("retrain_requested", Boolean, nullable=False),
        Column("airflow_run_id", String(250), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    ]
