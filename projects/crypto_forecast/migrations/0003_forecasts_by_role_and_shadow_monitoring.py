"""forecasts keyed by model version and role (champion, shadow, baseline side by side); monitoring rows name the
shadow on trial and keep unrealised counts in their metrics

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    project = context.config.attributes["project"]
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="champion"))
        table.drop_constraint(f"{project}_predictions_pkey", type_="primary")
        table.create_primary_key(
            f"{project}_predictions_pkey", ["market", "target_time", "horizon_hours", "model_version", "role"]
        )
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.alter_column("role", server_default=None)
    with op.batch_alter_table(f"{project}_monitoring") as table:
        table.add_column(sa.Column("shadow_version", sa.String(16)))
        table.drop_column("missing_candles")
        table.alter_column("model_name", existing_type=sa.String(200), nullable=False)


def downgrade() -> None:
    project = context.config.attributes["project"]
    with op.batch_alter_table(f"{project}_monitoring") as table:
        table.alter_column("model_name", existing_type=sa.String(200), nullable=True)
        table.add_column(sa.Column("missing_candles", sa.Integer, nullable=False, server_default="0"))
        table.drop_column("shadow_version")
    op.execute(f"DELETE FROM {project}_predictions WHERE role <> 'champion'")
    with op.batch_alter_table(f"{project}_predictions") as table:
        table.drop_constraint(f"{project}_predictions_pkey", type_="primary")
        table.create_primary_key(f"{project}_predictions_pkey", ["market", "target_time", "horizon_hours"])
        table.drop_column("role")
