"""pyupbit at the HTTP layer: Upbit's real JSON shape served by `responses`, pages walked by the `to` cursor."""

import json
import time
from datetime import timedelta

import pandas as pd
import pytest
import requests
import responses

from lifecycle.contract import Batch
from projects.crypto_forecast.configs import DataConfig, Default
from projects.crypto_forecast.core.load import load, replay_history
from projects.crypto_forecast.core.validate import CandleValidationError, validate
from projects.crypto_forecast.utils.upbit import PAGE_SIZE, UpbitFetchError, fetch_upbit

URL = "https://api.upbit.com/v1/candles/minutes/60"
HEADERS = {"Remaining-Req": "group=candles; min=600; sec=9"}
START, END = pd.Timestamp("2024-04-01", tz="UTC"), pd.Timestamp("2024-04-22", tz="UTC")  # 504 hours: 3 pages


def upbit_json(candles: pd.DataFrame, market: str = "KRW-BTC") -> list[dict]:
    """Candles as Upbit's /v1/candles/minutes/60 returns them: newest first, UTC and KST times, API field names."""
    rows = []
    for row in candles.sort_values("candle_time", ascending=False).itertuples():
        utc = row.candle_time.tz_convert("UTC")
        rows.append(
            {
                "market": market,
                "candle_date_time_utc": utc.strftime("%Y-%m-%dT%H:%M:%S"),
                "candle_date_time_kst": (utc + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S"),
                "opening_price": row.open,
                "high_price": row.high,
                "low_price": row.low,
                "trade_price": row.close,
                "timestamp": int((utc + timedelta(minutes=59)).timestamp() * 1000),
                "candle_acc_trade_price": row.volume * row.close,
                "candle_acc_trade_volume": row.volume,
                "unit": 60,
            }
        )
    return rows


class FakeUpbit:
    """Serves the shipped candles page by page like Upbit: `count` candles strictly before `to` (UTC)."""

    def __init__(self, candles: pd.DataFrame, failures: list | None = None) -> None:
        self.candles = candles
        self.failures = list(failures or [])  # answers to give first: (status, body) or an exception
        self.calls: list[tuple[float, str, int]] = []

    def __call__(self, request):
        params = dict(pd.Series(request.params))
        self.calls.append((time.monotonic(), params["to"], int(params["count"])))
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, BaseException):
                raise failure
            if callable(failure):
                return failure()
            return failure[0], HEADERS, failure[1]
        to = pd.Timestamp(params["to"], tz="UTC")
        page = self.candles[self.candles["candle_time"] < to].tail(int(params["count"]))
        return 200, HEADERS, json.dumps(upbit_json(page))


@pytest.fixture
def history() -> pd.DataFrame:
    return replay_history()


def load_checked() -> pd.DataFrame:
    """The data stage's load and validate hooks, as the platform calls them, with Upbit as the source."""
    spec = Default(data=DataConfig(upbit_max_attempts=3, upbit_backoff_seconds=0.01, upbit_timeout_seconds=2.0))
    batch = Batch("KRW-BTC", START.to_pydatetime(), END.to_pydatetime(), spec, {"source": "upbit"})
    return validate(load(batch), batch)


def fetch(**kwargs) -> pd.DataFrame:
    return fetch_upbit("KRW-BTC", START, END, max_attempts=3, backoff_seconds=0.01, timeout_seconds=2.0, **kwargs)


@responses.activate
def test_pages_are_walked_and_times_converted_from_kst_to_utc(history):
    upbit = FakeUpbit(history)
    responses.add_callback(responses.GET, URL, callback=upbit)

    candles = fetch()

    expected = history[(history.candle_time >= START) & (history.candle_time < END)].reset_index(drop=True)
    assert len(candles) == len(expected) == 504
    assert candles["candle_time"].equals(expected["candle_time"])  # KST index converted back to UTC exactly
    assert candles[["open", "high", "low", "close", "volume"]].equals(
        expected[["open", "high", "low", "close", "volume"]]
    )
    tos = [to for _, to, _ in upbit.calls]
    assert tos[0] == "2024-04-22 00:00:00" and len(tos) == 3  # 200 + 200 + 104 (the last page reaches START)
    assert tos[1] == (END - pd.Timedelta(hours=PAGE_SIZE)).strftime("%Y-%m-%d %H:%M:%S")
    assert all(count == PAGE_SIZE for _, _, count in upbit.calls)


@responses.activate
def test_calls_respect_ten_requests_per_second(history):
    upbit = FakeUpbit(history)
    responses.add_callback(responses.GET, URL, callback=upbit)
    fetch()
    gaps = [later - earlier for (earlier, _, _), (later, _, _) in zip(upbit.calls, upbit.calls[1:])]
    # the client spaces the calls it starts by 0.1 s; what arrives may be a few ms closer (the path to the server)
    assert gaps and min(gaps) >= 0.095


@responses.activate
def test_a_short_page_means_the_history_is_exhausted(history):
    listed = history[history.candle_time >= pd.Timestamp("2024-04-15", tz="UTC")]  # "listed" on 04-15
    upbit = FakeUpbit(listed)
    responses.add_callback(responses.GET, URL, callback=upbit)
    candles = fetch()
    assert len(upbit.calls) == 1 and len(candles) == 7 * 24


@responses.activate
def test_an_hour_without_trades_stays_a_gap(history):
    missing = pd.Timestamp("2024-04-10 03:00", tz="UTC")
    responses.add_callback(responses.GET, URL, callback=FakeUpbit(history[history.candle_time != missing]))
    loaded = load_checked()
    assert missing not in set(loaded["candle_time"]) and loaded.attrs["gaps"] == 1 and len(loaded) == 503


@responses.activate
@pytest.mark.parametrize(
    "failure",
    [
        (429, '{"error": {"name": "too_many_requests", "message": "Too many API requests."}}'),
        (500, '{"error": {"name": "server_error"}}'),
        requests.exceptions.ConnectTimeout("connect timeout"),
        requests.exceptions.ReadTimeout("read timeout"),
    ],
    ids=["429", "500", "connect-timeout", "read-timeout"],
)
def test_a_failing_call_is_retried(history, failure):
    upbit = FakeUpbit(history, failures=[failure])
    responses.add_callback(responses.GET, URL, callback=upbit)
    assert len(fetch()) == 504
    assert len(upbit.calls) == 4  # the failure, then the three pages
    assert upbit.calls[0][1] == upbit.calls[1][1]  # the same page asked again


@responses.activate
def test_a_stalled_call_is_abandoned_and_retried(history):
    def stall():
        time.sleep(0.6)
        return 200, HEADERS, "[]"

    upbit = FakeUpbit(history, failures=[stall])
    responses.add_callback(responses.GET, URL, callback=upbit)
    candles = fetch_upbit("KRW-BTC", START, END, max_attempts=3, backoff_seconds=0.01, timeout_seconds=0.3)
    assert len(candles) == 504


@responses.activate
def test_failing_every_time_is_a_clear_error_after_all_attempts(history):
    upbit = FakeUpbit(history, failures=[(500, "{}")] * 10)
    responses.add_callback(responses.GET, URL, callback=upbit)
    with pytest.raises(UpbitFetchError, match=r"KRW-BTC before 2024-04-22 00:00:00 UTC after 3 attempts"):
        fetch()
    assert len(upbit.calls) == 3


@responses.activate
def test_an_empty_page_is_an_error_not_an_empty_success(history):
    upbit = FakeUpbit(history, failures=[(200, "[]")] * 3)
    responses.add_callback(responses.GET, URL, callback=upbit)
    with pytest.raises(UpbitFetchError, match="no minute60 candles"):
        fetch()


@responses.activate
def test_bad_values_from_upbit_are_refused_with_market_time_and_column(history):
    broken = history.copy()
    broken.loc[broken.candle_time == pd.Timestamp("2024-04-05 07:00", tz="UTC"), "high"] = 1.0
    responses.add_callback(responses.GET, URL, callback=FakeUpbit(broken))
    with pytest.raises(CandleValidationError, match=r"KRW-BTC 2024-04-05T07:00:00\+00:00 column 'high'"):
        load_checked()
