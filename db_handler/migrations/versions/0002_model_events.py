"""model events: the audit trail of alias moves, refused promotions, rollbacks and deletions

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from db_handler.types import JSONDocument, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("alias", sa.String(32)),
        sa.Column("from_version", sa.String(16)),
        sa.Column("to_version", sa.String(16)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("metrics", JSONDocument),
        sa.Column("run_id", sa.String(250), nullable=False),
        sa.Column("mlflow_run_id", sa.String(64)),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("project", "model_name", "action", "to_version", "run_id", name="uq_model_events_natural"),
    )
    op.create_index("ix_model_events_model_created", "model_events", ["model_name", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_model_events_model_created", "model_events")
    op.drop_table("model_events")
