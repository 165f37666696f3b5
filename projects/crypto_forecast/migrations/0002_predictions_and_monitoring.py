"""predictions (with lineage) and monitoring rows

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import context, op

from db_handler.types import JSONDocument, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    project = context.config.attributes["project"]
    op.create_table(
        f"{project}_predictions",
        sa.Column("market", sa.String(20), primary_key=True),
        sa.Column("target_time", UTCDateTime, primary_key=True),
        sa.Column("horizon_hours", sa.Integer, primary_key=True),
        sa.Column("feature_time", UTCDateTime, nullable=False),
        sa.Column("base_close", sa.Double, nullable=False),
        sa.Column("predicted_log_return", sa.Double, nullable=False),
        sa.Column("predicted_close", sa.Double, nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(16), nullable=False),
        sa.Column("mlflow_run_id", sa.String(64)),
        sa.Column("airflow_run_id", sa.String(250), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        f"{project}_monitoring",
        sa.Column("market", sa.String(20), primary_key=True),
        sa.Column("window_end", UTCDateTime, primary_key=True),
        sa.Column("performance_window_start", UTCDateTime, nullable=False),
        sa.Column("drift_window_start", UTCDateTime, nullable=False),
        sa.Column("model_name", sa.String(200)),
        sa.Column("model_version", sa.String(16)),
        sa.Column("rows_joined", sa.Integer, nullable=False),
        sa.Column("missing_candles", sa.Integer, nullable=False),
        sa.Column("metrics", JSONDocument),
        sa.Column("drift", JSONDocument),
        sa.Column("decision", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("retrain_requested", sa.Boolean, nullable=False),
        sa.Column("airflow_run_id", sa.String(250), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    project = context.config.attributes["project"]
    op.drop_table(f"{project}_monitoring")
    op.drop_table(f"{project}_predictions")
