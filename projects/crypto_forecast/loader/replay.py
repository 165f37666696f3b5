"""Replay of real Upbit candles shipped with the project (see data/NOTICE): the offline source."""

from datetime import datetime
from functools import lru_cache

import pandas as pd

from projects.crypto_forecast import PROJECT_DIR
from projects.crypto_forecast.loader.csv_file import read_candle_csv

REPLAY_FILE = PROJECT_DIR / "data" / "upbit_KRW-BTC_1h_2017-09-26_2024-05-20_utc.csv.gz"
REPLAY_MARKET = "KRW-BTC"


class ReplayRangeError(ValueError):
    """The requested candles are not in the shipped replay."""


@lru_cache(maxsize=1)
def replay_history() -> pd.DataFrame:
    return read_candle_csv(REPLAY_FILE)


def load_replay(market: str, start: datetime, end: datetime) -> pd.DataFrame:
    """The shipped candles of `market` with start <= candle_time < end (the interval must lie inside the replay)."""
    history = replay_history()
    first, last = history["candle_time"].iloc[0], history["candle_time"].iloc[-1]
    if market != REPLAY_MARKET:
        raise ReplayRangeError(f"replay has {REPLAY_MARKET} only, not {market}; use --source upbit or a CSV file")
    if start < first or end > last + pd.Timedelta(hours=1):
        raise ReplayRangeError(
            f"replay covers {first.isoformat()} .. {last.isoformat()}; requested {start.isoformat()} .. "
            f"{end.isoformat()}: pick an interval inside it, or use --source upbit or a CSV file"
        )
    in_interval = (history["candle_time"] >= start) & (history["candle_time"] < end)
    return history.loc[in_interval].reset_index(drop=True)
