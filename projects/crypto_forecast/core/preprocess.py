"""Task unit `preprocess`: features of stored candles, upserted into the features table."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from db_handler import UpsertResult, upsert
from projects.crypto_forecast.configs import Default
from projects.crypto_forecast.preprocessor.features import build_features
from projects.crypto_forecast.utils.queries import read_candles
from projects.crypto_forecast.utils.tables import features as features_table


def update_features(conn: Connection, market: str, start: datetime, end: datetime, config: Default) -> UpsertResult:
    """Recompute the features of `market`'s candles in [start, end) from the raw table (with lookback)."""
    missing = set(config.features.columns) - set(features_table.c.keys())
    if missing:
        raise ValueError(
            f"features config {config.name!r} produces columns {sorted(missing)} that {features_table.name} lacks: "
            "add a migration (projects/<name>/migrations) and a column in utils/tables.py"
        )
    history = read_candles(conn, market, start - timedelta(hours=config.data.lookback_hours), end)
    if history.empty:
        return UpsertResult(0, 0)
    features = build_features(history, config.features, config.data.interval)
    features = features.loc[features.index >= start].reset_index()
    features = features.assign(
        market=market, feature_set_version=config.features.version, computed_at=datetime.now(UTC)
    )
    return upsert(conn, features_table, features, key=("market", "candle_time"), touch=("computed_at",))
