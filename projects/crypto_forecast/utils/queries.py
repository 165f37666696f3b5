"""Reads of this project's tables that more than one task unit needs."""

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select

from projects.crypto_forecast.loader import CANDLE_COLUMNS
from projects.crypto_forecast.utils.tables import raw_candles


def read_candles(conn: Connection, market: str, start: datetime, end: datetime) -> pd.DataFrame:
    """Stored candles of `market` with start <= candle_time < end, oldest first, canonical columns."""
    query = (
        select(*(raw_candles.c[name] for name in CANDLE_COLUMNS))
        .where(raw_candles.c.market == market, raw_candles.c.candle_time >= start, raw_candles.c.candle_time < end)
        .order_by(raw_candles.c.candle_time)
    )
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=CANDLE_COLUMNS)
    frame["candle_time"] = pd.to_datetime(frame["candle_time"], utc=True).astype("datetime64[us, UTC]")
    return frame.astype({name: float for name in CANDLE_COLUMNS[1:]})
