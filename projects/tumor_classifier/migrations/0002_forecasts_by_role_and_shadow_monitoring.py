"""predictions keyed by model version and role (champion, shadow, baseline side by side); monitoring rows with
the platform's columns (performance and drift windows, the shadow on trial)

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import context, op

from db_handler.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    project = context.config.attributes["project"]
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="champion"))
        table.drop_constraint(f"{project}_predictions_pkey", type_="primary")
        table.create_primary_key(f"{project}_predictions_pkey", ["sample_id", "model_version", "role"])
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.alter_column("role", server_default=None)
    with op.batch_alter_table(f"{project}_monitoring") as table:
        table.alter_column("window_start", new_column_name="performance_window_start", existing_type=UTCDateTime)
        table.add_column(sa.Column("drift_window_start", UTCDateTime))
        table.add_column(sa.Column("shadow_version", sa.String(16)))
    op.execute(f"UPDATE {project}_monitoring SET drift_window_start = performance_window_start")
    with op.batch_alter_table(f"{project}_monitoring") as table:
        table.alter_column("drift_window_start", existing_type=UTCDateTime, nullable=False)
        table.alter_column("model_name", existing_type=sa.String(200), nullable=False)


def downgrade() -> None:
    project = context.config.attributes["project"]
    with op.batch_alter_table(f"{project}_monitoring") as table:
        table.alter_column("model_name", existing_type=sa.String(200), nullable=True)
        table.drop_column("shadow_version")
        table.drop_column("drift_window_start")
        table.alter_column("performance_window_start", new_column_name="window_start", existing_type=UTCDateTime)
    op.execute(f"DELETE FROM {project}_predictions WHERE role <> 'champion'")
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.drop_constraint(f"{project}_predictions_pkey", type_="primary")
        table.create_primary_key(f"{project}_predictions_pkey", ["sample_id"])
        table.drop_column("role")
