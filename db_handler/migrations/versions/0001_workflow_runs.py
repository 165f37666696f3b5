"""workflow runs: one row per stage run (the bookkeeping Airflow's own metadata does not keep with results)

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from db_handler.types import JSONDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(250), nullable=False),
        sa.Column("interval_start", UTCDateTime),
        sa.Column("interval_end", UTCDateTime),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_written", sa.Integer),
        sa.Column("rows_unchanged", sa.Integer),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
        sa.Column("error", sa.Text),
        sa.Column("summary", JSONDocument),
        sa.UniqueConstraint("project", "stage", "run_id", name="uq_workflow_runs_project_stage_run"),
    )


def downgrade() -> None:
    op.drop_table("workflow_runs")
