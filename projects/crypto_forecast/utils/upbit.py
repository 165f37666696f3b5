"""Live candles from Upbit through pyupbit.

pyupbit hides every failure (HTTP 4xx/5xx, 429, timeouts, bad JSON, an empty page) behind a `None` and has no
request timeout of its own, so this module adds what production needs: a call timeout, a 10 requests/s
limit, retries with exponential backoff, and a clear exception when the retries run out. Pages of 200
candles are walked backwards from the interval's end; a short page means the market's history is exhausted.
"""

import logging
import math
import threading
import time
from datetime import datetime

import pandas as pd
import pyupbit

from projects.crypto_forecast.utils.tables import CANDLE_COLUMNS

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MIN_SECONDS_BETWEEN_CALLS = 0.1  # Upbit's quotation API allows 10 requests per second
PYUPBIT_INTERVALS = {"1h": "minute60"}


class UpbitFetchError(RuntimeError):
    """Upbit gave no candles after every retry."""


class _RateLimiter:
    def __init__(self, min_gap: float) -> None:
        self.min_gap = min_gap
        self.last_call = float("-inf")

    def wait(self) -> None:
        pause = self.last_call + self.min_gap - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.last_call = time.monotonic()


_limiter = _RateLimiter(MIN_SECONDS_BETWEEN_CALLS)


def _get_ohlcv_within(seconds: float, **kwargs) -> pd.DataFrame | None:
    """pyupbit.get_ohlcv, abandoned after `seconds` (pyupbit calls requests without a timeout, so a stalled
    connection would otherwise hang the task forever). The abandoned call ends with the process."""
    result: list[pd.DataFrame | None] = []
    worker = threading.Thread(target=lambda: result.append(pyupbit.get_ohlcv(**kwargs)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        log.warning("pyupbit call %s timed out after %.1fs", kwargs, seconds)
        return None
    return result[0] if result else None


def fetch_upbit(
    market: str,
    start: datetime,
    end: datetime,
    interval: str = "1h",
    max_attempts: int = 4,
    backoff_seconds: float = 1.0,
    timeout_seconds: float = 10.0,
) -> pd.DataFrame:
    """Closed candles of `market` with start <= candle_time < end, oldest first."""
    step = pd.Timedelta(interval)
    last_closed = pd.Timestamp.now(tz="UTC").floor(step) - step
    end = min(pd.Timestamp(end), last_closed + step)  # the candle still forming is never ingested
    pages: list[pd.DataFrame] = []
    cursor = end
    expected_pages = max(1, math.ceil((end - pd.Timestamp(start)) / (step * PAGE_SIZE)))
    while cursor > start:
        page = _fetch_page(market, PYUPBIT_INTERVALS[interval], cursor, max_attempts, backoff_seconds, timeout_seconds)
        pages.append(page)
        log.info(
            "Upbit %s %s: page %d of ~%d, %d candles so far, back to %s",
            market,
            interval,
            len(pages),
            expected_pages,
            sum(len(fetched) for fetched in pages),
            f"{page['candle_time'].min():%Y-%m-%d %H:%M} UTC",
        )
        if len(page) < PAGE_SIZE:
            break
        cursor = page["candle_time"].min()
    candles = pd.concat(pages, ignore_index=True) if pages else pd.DataFrame(columns=CANDLE_COLUMNS)
    in_interval = (candles["candle_time"] >= start) & (candles["candle_time"] < end)
    candles = candles.loc[in_interval].sort_values("candle_time").drop_duplicates().reset_index(drop=True)
    log.info("Upbit %s %s: %d candles in the interval, from %d pages", market, interval, len(candles), len(pages))
    return candles


def _fetch_page(
    market: str, interval: str, to: datetime, max_attempts: int, backoff_seconds: float, timeout_seconds: float
) -> pd.DataFrame:
    to_utc = pd.Timestamp(to).tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S")  # Upbit reads a bare `to` as UTC
    for attempt in range(1, max_attempts + 1):
        _limiter.wait()
        page = _get_ohlcv_within(timeout_seconds, ticker=market, interval=interval, count=PAGE_SIZE, to=to_utc)
        if page is not None:
            return _to_canonical(page)
        if attempt < max_attempts:
            pause = backoff_seconds * 2 ** (attempt - 1)
            log.warning(
                "pyupbit returned None for %s to=%s (attempt %d/%d); retrying in %.1fs",
                market,
                to_utc,
                attempt,
                max_attempts,
                pause,
            )
            time.sleep(pause)
    raise UpbitFetchError(
        f"Upbit returned no {interval} candles for {market} before {to_utc} UTC after {max_attempts} attempts "
        "(pyupbit turns HTTP errors, rate limits, timeouts and empty pages into None); check the network, "
        "the market name, and that the market traded then"
    )


def _to_canonical(page: pd.DataFrame) -> pd.DataFrame:
    """pyupbit's frame (KST-naive index, open..value) to canonical UTC-aware rows."""
    times = pd.DatetimeIndex(page.index).tz_localize("Asia/Seoul").tz_convert("UTC").astype("datetime64[us, UTC]")
    frame = page.reset_index(drop=True).reindex(columns=CANDLE_COLUMNS[1:]).astype(float)
    frame.insert(0, "candle_time", times)
    return frame


def upbit_reachable(timeout_seconds: float = 3.0) -> bool:
    """True when Upbit's API answers: the `auto` data source then uses it instead of the replay."""
    import requests

    try:
        requests.head("https://api.upbit.com/v1/market/all", timeout=timeout_seconds)
        return True
    except requests.RequestException:
        return False
