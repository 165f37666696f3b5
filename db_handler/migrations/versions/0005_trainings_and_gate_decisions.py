"""trainings in flight (with a heartbeat) and gate decisions keyed by the training run

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

from db_handler.types import JSONDocument, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainings",
        sa.Column("project", sa.String(64), primary_key=True),
        sa.Column("model_name", sa.String(200), primary_key=True),
        sa.Column("run_id", sa.String(250), primary_key=True),
        sa.Column("window_end", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("heartbeat_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
    )
    op.create_table(
        "gate_decisions",
        sa.Column("project", sa.String(64), primary_key=True),
        sa.Column("model_name", sa.String(200), primary_key=True),
        sa.Column("run_id", sa.String(250), primary_key=True),
        sa.Column("winner", sa.String(16), nullable=False),
        sa.Column("candidate", sa.String(64), nullable=False),
        sa.Column("alias", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("scores", JSONDocument, nullable=False),
        sa.Column("champion_before", sa.String(16)),
        sa.Column("version", sa.String(16)),
        sa.Column("decided_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gate_decisions")
    op.drop_table("trainings")
