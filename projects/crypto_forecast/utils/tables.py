"""Tables of this project, prefixed with the project name (portable to SQLite, which has no schemas).

The migrations in ../migrations create them; keep both in step when a column changes.
"""

from sqlalchemy import Column, Double, MetaData, String, Table

from db_handler.types import UTCDateTime
from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import FeatureConfig

metadata = MetaData()

raw_candles = Table(
    f"{PROJECT}_raw_candles",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("candle_time", UTCDateTime, primary_key=True, comment="candle start, UTC"),
    Column("open", Double, nullable=False),
    Column("high", Double, nullable=False),
    Column("low", Double, nullable=False),
    Column("close", Double, nullable=False),
    Column("volume", Double, nullable=False),
    Column("value", Double, comment="traded value in the quote currency; not every source has it"),
    Column("source", String(255), nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
)

features = Table(
    f"{PROJECT}_features",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("candle_time", UTCDateTime, primary_key=True),
    *(Column(name, Double) for name in FeatureConfig().columns),
    Column("feature_set_version", String(32), nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
)
