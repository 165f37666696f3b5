"""samples (bronze), features (silver), predictions with lineage, monitoring rows

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import context, op

from db_handler.types import JSONDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MEASUREMENTS = [
    f"{stat}_{name}"
    for stat in ("mean", "se", "worst")
    for name in (
        "radius",
        "texture",
        "perimeter",
        "area",
        "smoothness",
        "compactness",
        "concavity",
        "concave_points",
        "symmetry",
        "fractal_dimension",
    )
]
DERIVED = ["radius_spread", "area_spread", "concavity_spread"]


def upgrade() -> None:
    project = context.config.attributes["project"]
    op.create_table(
        f"{project}_samples",
        sa.Column("sample_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("arrived_at", UTCDateTime, nullable=False),
        *(sa.Column(name, sa.Double, nullable=False) for name in MEASUREMENTS),
        sa.Column("label", sa.Integer, nullable=False),
        sa.Column("ingested_at", UTCDateTime, nullable=False),
    )
    op.create_index(f"ix_{project}_samples_arrived_at", f"{project}_samples", ["arrived_at"])
    op.create_table(
        f"{project}_features",
        sa.Column("sample_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("arrived_at", UTCDateTime, nullable=False),
        *(sa.Column(name, sa.Double) for name in MEASUREMENTS + DERIVED),
        sa.Column("feature_set_version", sa.String(32), nullable=False),
        sa.Column("computed_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        f"{project}_predictions",
        sa.Column("sample_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("arrived_at", UTCDateTime, nullable=False),
        sa.Column("probability_malignant", sa.Double, nullable=False),
        sa.Column("predicted_label", sa.Integer, nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(16), nullable=False),
        sa.Column("mlflow_run_id", sa.String(64)),
        sa.Column("airflow_run_id", sa.String(250), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        f"{project}_monitoring",
        sa.Column("window_end", UTCDateTime, primary_key=True),
        sa.Column("window_start", UTCDateTime, nullable=False),
        sa.Column("model_name", sa.String(200)),
        sa.Column("model_version", sa.String(16)),
        sa.Column("rows_joined", sa.Integer, nullable=False),
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
    for table in ("monitoring", "predictions", "features", "samples"):
        op.drop_table(f"{project}_{table}")
