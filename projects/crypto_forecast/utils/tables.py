"""Tables of crypto_forecast, prefixed with the project's name (portable to SQLite, which has no schemas).

The migrations in ../migrations create them (`mlops migrations revision --autogenerate` writes a new one from
a change here); the platform reads and writes them through the Tables declared in run.py.
"""

from sqlalchemy import Column, Double, Integer, MetaData, String, Table

from db_handler.columns import feature_columns, lineage_columns, monitoring_columns
from db_handler.types import UTCDateTime
from projects.crypto_forecast.configs import FeatureConfig

PREFIX = "crypto_forecast"
CANDLE_COLUMNS = ["candle_time", "open", "high", "low", "close", "volume", "value"]  # what every source gives

metadata = MetaData()

raw_candles = Table(
    f"{PREFIX}_raw_candles",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("candle_time", UTCDateTime, primary_key=True),  # candle start, UTC
    Column("open", Double, nullable=False),
    Column("high", Double, nullable=False),
    Column("low", Double, nullable=False),
    Column("close", Double, nullable=False),
    Column("volume", Double, nullable=False),
    Column("value", Double),  # traded value in the quote currency; not every source has it
    Column("source", String(255), nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
)

features = Table(
    f"{PREFIX}_features",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("candle_time", UTCDateTime, primary_key=True),
    *feature_columns(FeatureConfig().columns),
)

predictions = Table(
    f"{PREFIX}_predictions",
    metadata,
    Column("market", String(20), primary_key=True),
    Column("target_time", UTCDateTime, primary_key=True),  # start of the forecast candle
    Column("horizon_hours", Integer, primary_key=True),
    Column("feature_time", UTCDateTime, nullable=False),  # last candle the forecast used
    Column("base_close", Double, nullable=False),
    Column("predicted_log_return", Double, nullable=False),
    Column("predicted_close", Double, nullable=False),
    *lineage_columns(),
)

monitoring = Table(
    f"{PREFIX}_monitoring",
    metadata,
    Column("market", String(20), primary_key=True),
    *monitoring_columns(),
)
