"""raw candles (bronze) and features (silver)

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import context, op

from db_handler.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FEATURE_COLUMNS = [
    "ret_1h",
    "ret_3h",
    "ret_6h",
    "ret_12h",
    "ret_24h",
    "vol_24h",
    "vol_168h",
    "volume_z_168h",
    "range_1h",
    "hour_sin",
    "hour_cos",
    "dow_sin",
    "dow_cos",
]


def upgrade() -> None:
    project = context.config.attributes["project"]
    op.create_table(
        f"{project}_raw_candles",
        sa.Column("market", sa.String(20), primary_key=True),
        sa.Column("candle_time", UTCDateTime, primary_key=True),
        *(sa.Column(name, sa.Double, nullable=False) for name in ("open", "high", "low", "close", "volume")),
        sa.Column("value", sa.Double),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("ingested_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        f"{project}_features",
        sa.Column("market", sa.String(20), primary_key=True),
        sa.Column("candle_time", UTCDateTime, primary_key=True),
        *(sa.Column(name, sa.Double) for name in FEATURE_COLUMNS),
        sa.Column("feature_set_version", sa.String(32), nullable=False),
        sa.Column("computed_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    project = context.config.attributes["project"]
    op.drop_table(f"{project}_features")
    op.drop_table(f"{project}_raw_candles")
