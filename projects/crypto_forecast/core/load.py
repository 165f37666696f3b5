"""Hook `load`: the candles of one market and interval from Upbit (pyupbit), the shipped replay, or a CSV file.

`source` (a run option, else the config's data.source) is `upbit`, `replay`, a path to a .csv(.gz), or `auto`:
Upbit when it answers, else the replay. The replay holds real KRW-BTC candles 2017-09-26 .. 2024-05-20 (see
data/NOTICE); an interval outside it is an error, except for a catch-up run (a bare trigger), which gets what
the replay has, maybe nothing.
"""

import logging
from datetime import UTC
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lifecycle.contract import Batch, DataError
from projects.crypto_forecast.utils.candle_csv import read_candle_csv
from projects.crypto_forecast.utils.upbit import fetch_upbit, upbit_reachable

log = logging.getLogger(__name__)
REPLAY_FILE = Path(__file__).resolve().parents[1] / "data" / "upbit_KRW-BTC_1h_2017-09-26_2024-05-20_utc.csv.gz"
REPLAY_MARKET = "KRW-BTC"


class ReplayRangeError(DataError):
    """The requested candles are not in the shipped replay."""


def load(batch: Batch) -> pd.DataFrame:
    """Candles of the batch's market in [start, end), canonical columns plus `source`; attrs: source, gaps."""
    config = batch.spec.data
    source = resolve_source(batch.options.get("source") or config.source)
    if source == "upbit":
        candles = fetch_upbit(
            batch.partition,
            batch.start,
            batch.end,
            config.interval,
            config.upbit_max_attempts,
            config.upbit_backoff_seconds,
            config.upbit_timeout_seconds,
        )
    elif source == "replay":
        candles = load_replay(batch.partition, batch.start, batch.end, catch_up=batch.options.get("catch_up", False))
    else:
        candles = _from_csv(Path(source), batch)
    candles = candles.assign(source=source)
    candles.attrs = {"source": source, "gaps": count_gaps(candles, batch.start, batch.end, config.interval)}
    return candles


def resolve_source(source: str) -> str:
    if source == "auto":
        source = "upbit" if upbit_reachable() else "replay"
        log.info("data source auto -> %s", source)
    if source not in ("upbit", "replay") and not source.endswith((".csv", ".csv.gz")):
        raise DataError(f"unknown source {source!r}: use upbit, replay, auto, or a path to a .csv file")
    return source


@lru_cache(maxsize=1)
def replay_history() -> pd.DataFrame:
    return read_candle_csv(REPLAY_FILE)


def load_replay(market: str, start, end, catch_up: bool = False) -> pd.DataFrame:
    """The shipped candles of `market` with start <= candle_time < end (the interval must lie inside the replay,
    unless `catch_up`)."""
    history = replay_history()
    first, last = history["candle_time"].iloc[0], history["candle_time"].iloc[-1]
    if market != REPLAY_MARKET:
        raise ReplayRangeError(f"replay has {REPLAY_MARKET} only, not {market}; use --source upbit or a CSV file")
    if not catch_up and (start < first or end > last + pd.Timedelta(hours=1)):
        raise ReplayRangeError(
            f"replay covers {first.isoformat()} .. {last.isoformat()}; requested {start.isoformat()} .. "
            f"{end.isoformat()}: pick an interval inside it, or use --source upbit or a CSV file"
        )
    in_interval = (history["candle_time"] >= start) & (history["candle_time"] < end)
    return history.loc[in_interval].reset_index(drop=True)


def count_gaps(candles: pd.DataFrame, start, end, interval: str) -> int:
    """Grid steps in [start, end) without a candle (no trades that hour), up to the last closed candle."""
    step = pd.Timedelta(interval)
    closed_until = min(pd.Timestamp(end), pd.Timestamp.now(tz=UTC).floor(step))
    expected = len(pd.date_range(pd.Timestamp(start).ceil(step), closed_until, freq=step, inclusive="left"))
    return max(expected - len(candles), 0)


def _from_csv(path: Path, batch: Batch) -> pd.DataFrame:
    """The batch's candles from a CSV file, read as a stream (only the interval is kept). Every market in the file
    must be one of the config; an interval asked for explicitly must hold at least one of the market's candles."""
    markets = batch.spec.data.markets
    candles = read_candle_csv(path, batch.options.get("tz"), batch.start, batch.end, markets)
    first, last = candles.attrs["span"]
    if "market" in candles.columns:
        candles = candles.loc[candles["market"] == batch.partition].drop(columns="market").reset_index(drop=True)
    if candles.empty and not batch.options.get("catch_up", False):
        held = f"its candles run {first.isoformat()} .. {last.isoformat()}" if first is not None else "it has none"
        raise DataError(
            f"{path} has no {batch.partition} candles in [{batch.start.isoformat()}, {batch.end.isoformat()}) "
            f"({held}): pick an interval the file covers"
        )
    return candles
