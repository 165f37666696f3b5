"""Tables of this project, prefixed with the project name (portable to SQLite, which has no schemas).

The migrations in ../migrations create them; keep both in step when a column changes.
"""

from sqlalchemy import Column, Double, Integer, MetaData, String, Table

from db_handler.columns import lineage_columns, monitoring_columns
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

predictions = Table(
    f"{PROJECT}_predictions",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("target_time", UTCDateTime, primary_key=True, comment="start of the forecast candle"),
    Column("horizon_hours", Integer, primary_key=True),
    Column("feature_time", UTCDateTime, nullable=False, comment="last candle the forecast used"),
    Column("base_close", Double, nullable=False),
    Column("predicted_log_return", Double, nullable=False),
    Column("predicted_close", Double, nullable=False),
    *lineage_columns(),
)

monitoring = Table(
    f"{PROJECT}_monitoring",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("window_end", UTCDateTime, primary_key=True, comment="monitoring looks at hours before this"),
    Column("performance_window_start", UTCDateTime, nullable=False),
    Column("drift_window_start", UTCDateTime, nullable=False),
    Column("missing_candles", Integer, nullable=False),
    *monitoring_columns(),
)
