"""Columns every project's predictions and monitoring tables carry (migrations keep their own frozen copies)."""

from sqlalchemy import Boolean, Column, Double, Integer, String, Text

from db_handler.types import JSONDocument, UTCDateTime


def feature_columns(names) -> list[Column]:
    """The feature columns (nullable: early rows lack history) and the version of the set that computed them."""
    return [
        *(Column(name, Double) for name in names),
        Column("feature_set_version", String(32), nullable=False),
        Column("computed_at", UTCDateTime, nullable=False),
    ]


def lineage_columns() -> list[Column]:
    """Which model made a forecast, in what role, in which MLflow run, during which Airflow run, and when.

    model_version and role belong to the key: a shadow's forecasts sit beside the champion's, and the baseline's
    (the champion's companion naive forecast) beside both, so monitoring scores all three on the same rows."""
    return [
        Column("model_version", String(16), primary_key=True),
        Column("role", String(16), primary_key=True),  # champion | shadow | baseline
        Column("model_name", String(200), nullable=False),
        Column("mlflow_run_id", String(64)),
        Column("airflow_run_id", String(250), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    ]


def monitoring_columns() -> list[Column]:
    """A monitoring row, keyed by the partition column (if any) and `window_end`."""
    return [
        Column("window_end", UTCDateTime, primary_key=True),  # monitoring looks at rows before this
        Column("performance_window_start", UTCDateTime, nullable=False),
        Column("drift_window_start", UTCDateTime, nullable=False),
        Column("model_name", String(200), nullable=False),
        Column("model_version", String(16)),
        Column("shadow_version", String(16)),
        Column("rows_joined", Integer, nullable=False),
        Column("metrics", JSONDocument),  # per role: live metrics; ratios; decay against its limit
        Column("drift", JSONDocument),  # per feature: psi, its warn and alert thresholds, ks_pvalue, level
        Column("decision", String(24), nullable=False),  # ok | warn | drift | decay | drift+decay | ...
        Column("reason", Text, nullable=False),
        Column("retrain_requested", Boolean, nullable=False),
        Column("airflow_run_id", String(250), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    ]
