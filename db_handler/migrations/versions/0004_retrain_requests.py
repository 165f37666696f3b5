"""retrain requests: what monitoring asked for, so every project's cooldown reads one table

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from db_handler.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retrain_requests",
        sa.Column("project", sa.String(64), primary_key=True),
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("window_end", UTCDateTime, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("run_id", sa.String(250), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retrain_requests")
