"""Task unit `load`: candles from a source, validated, upserted into the raw table."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from compose.settings import Settings
from db_handler import UpsertResult, upsert
from projects.crypto_forecast.loader.csv_file import read_candle_csv
from projects.crypto_forecast.loader.replay import load_replay
from projects.crypto_forecast.loader.upbit import fetch_upbit, upbit_reachable
from projects.crypto_forecast.preprocessor.validate import validate_candles
from projects.crypto_forecast.utils.tables import raw_candles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedCandles:
    market: str
    source: str
    candles: pd.DataFrame
    gaps: int


def resolve_source(source: str | None, settings: Settings) -> str:
    """'upbit', 'replay', or a CSV path; `auto` (the default) means Upbit when reachable, else the replay."""
    source = source or settings.data_source
    if source == "auto":
        source = "upbit" if upbit_reachable() else "replay"
        log.info("data source auto -> %s", source)
    if source not in ("upbit", "replay") and not source.endswith((".csv", ".csv.gz")):
        raise ValueError(f"unknown source {source!r}: use upbit, replay, or a path to a .csv file")
    return source


def load_candles(
    market: str,
    start: datetime,
    end: datetime,
    source: str,
    settings: Settings,
    interval: str = "1h",
    tz: str | None = None,
) -> LoadedCandles:
    """Validated candles of `market` in [start, end) from `source` (already resolved)."""
    if source == "upbit":
        candles = fetch_upbit(
            market,
            start,
            end,
            interval,
            settings.upbit_max_attempts,
            settings.upbit_backoff_seconds,
            settings.upbit_timeout_seconds,
        )
    elif source == "replay":
        candles = load_replay(market, start, end)
    else:
        candles = _from_csv(Path(source), market, start, end, tz)
    candles = validate_candles(candles, market, source=source, interval=interval)
    return LoadedCandles(market, source, candles, _count_gaps(candles, start, end, interval))


def _from_csv(path: Path, market: str, start: datetime, end: datetime, tz: str | None) -> pd.DataFrame:
    candles = read_candle_csv(path, tz)
    if "market" in candles.columns:
        candles = candles.loc[candles["market"] == market]  # a multi-market file: this market's rows only
    in_interval = (candles["candle_time"] >= start) & (candles["candle_time"] < end)
    return candles.loc[in_interval].reset_index(drop=True)


def _count_gaps(candles: pd.DataFrame, start: datetime, end: datetime, interval: str) -> int:
    """Grid steps in [start, end) without a candle (no trades that hour), up to the last closed candle."""
    step = pd.Timedelta(interval)
    closed_until = min(pd.Timestamp(end), pd.Timestamp.now(tz=UTC).floor(step))
    expected = len(pd.date_range(pd.Timestamp(start).ceil(step), closed_until, freq=step, inclusive="left"))
    return max(expected - len(candles), 0)


def store_raw(conn: Connection, loaded: LoadedCandles) -> UpsertResult:
    rows = loaded.candles.assign(market=loaded.market, source=loaded.source, ingested_at=datetime.now(UTC))
    return upsert(conn, raw_candles, rows, key=("market", "candle_time"), touch=("ingested_at",))
