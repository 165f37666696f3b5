"""workflow runs recorded per partition: the mapped tasks of one DAG run share its run id

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workflow_runs") as table:
        table.add_column(sa.Column("partition", sa.String(100), nullable=False, server_default=""))
        table.drop_constraint("uq_workflow_runs_project_stage_run", type_="unique")
        table.create_unique_constraint(
            "uq_workflow_runs_project_stage_run_partition", ["project", "stage", "run_id", "partition"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM workflow_runs WHERE partition <> ''")
    with op.batch_alter_table("workflow_runs") as table:
        table.drop_constraint("uq_workflow_runs_project_stage_run_partition", type_="unique")
        table.create_unique_constraint("uq_workflow_runs_project_stage_run", ["project", "stage", "run_id"])
        table.drop_column("partition")
