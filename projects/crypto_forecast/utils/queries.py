"""Reads of this project's tables that more than one task unit needs."""

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from projects.crypto_forecast.loader import CANDLE_COLUMNS
from projects.crypto_forecast.utils.tables import features, predictions, raw_candles


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


def read_features(conn: Connection, market: str, start: datetime, end: datetime, columns: list[str]) -> pd.DataFrame:
    """Stored features of `market` with start <= candle_time < end, oldest first, with the close of each candle."""
    query = (
        select(features.c.candle_time, raw_candles.c.close, *(features.c[name] for name in columns))
        .join(
            raw_candles,
            (raw_candles.c.market == features.c.market) & (raw_candles.c.candle_time == features.c.candle_time),
        )
        .where(features.c.market == market, features.c.candle_time >= start, features.c.candle_time < end)
        .order_by(features.c.candle_time)
    )
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=["candle_time", "close", *columns])
    frame["candle_time"] = pd.to_datetime(frame["candle_time"], utc=True).astype("datetime64[us, UTC]")
    return frame.astype({name: float for name in ["close", *columns]})


def newest_candle_time(conn: Connection, market: str) -> datetime | None:
    return conn.execute(select(func.max(raw_candles.c.candle_time)).where(raw_candles.c.market == market)).scalar_one()


def read_forecasts_with_actuals(
    conn: Connection, market: str, start: datetime, end: datetime, horizon_hours: int, model_version: str
) -> pd.DataFrame:
    """Forecasts of `model_version` for target times in [start, end), joined BY TIMESTAMP to the candle that
    realised them (actual_close is NaN where that candle is missing)."""
    query = (
        select(
            predictions.c.target_time,
            predictions.c.base_close,
            predictions.c.predicted_log_return,
            raw_candles.c.close.label("actual_close"),
        )
        .outerjoin(
            raw_candles,
            (raw_candles.c.market == predictions.c.market) & (raw_candles.c.candle_time == predictions.c.target_time),
        )
        .where(
            predictions.c.market == market,
            predictions.c.horizon_hours == horizon_hours,
            predictions.c.model_version == model_version,
            predictions.c.target_time >= start,
            predictions.c.target_time < end,
        )
        .order_by(predictions.c.target_time)
    )
    columns = ["target_time", "base_close", "predicted_log_return", "actual_close"]
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=columns)
    return frame.astype({name: float for name in columns[1:]})


def outcomes(conn: Connection, limit: int) -> pd.DataFrame:
    """The latest `limit` forecasts of every market as prices next to the close that followed (for the dashboard):
    time, predicted, actual (NaN until the candle exists)."""
    query = (
        select(
            predictions.c.target_time, predictions.c.base_close, predictions.c.predicted_log_return, raw_candles.c.close
        )
        .outerjoin(
            raw_candles,
            (raw_candles.c.market == predictions.c.market) & (raw_candles.c.candle_time == predictions.c.target_time),
        )
        .order_by(predictions.c.target_time.desc())
        .limit(limit)
    )
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=["time", "base", "log_return", "actual"])
    frame = frame.iloc[::-1].astype({"base": float, "log_return": float, "actual": float})
    return pd.DataFrame(
        {"time": frame["time"], "predicted": frame["base"] * np.exp(frame["log_return"]), "actual": frame["actual"]}
    ).reset_index(drop=True)
