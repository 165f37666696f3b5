"""Every rejection of the candle validation names market, timestamp (UTC) and column; valid data passes."""

import re

import numpy as np
import pandas as pd
import pytest

from projects.crypto_forecast.core.load import replay_history
from projects.crypto_forecast.core.validate import CandleValidationError, validate_candles

AT = pd.Timestamp("2024-05-01 05:00", tz="UTC")


@pytest.fixture
def day() -> pd.DataFrame:
    history = replay_history()
    return history[(history.candle_time >= "2024-05-01") & (history.candle_time < "2024-05-02")].reset_index(drop=True)


def broken(day: pd.DataFrame, column: str, value) -> pd.DataFrame:
    frame = day.copy()
    frame.loc[frame.candle_time == AT, column] = value
    return frame


@pytest.mark.parametrize(
    "column, value, what",
    [
        ("open", np.nan, "missing (NaN)"),
        ("high", np.nan, "missing (NaN)"),
        ("low", np.nan, "missing (NaN)"),
        ("close", np.nan, "missing (NaN)"),
        ("volume", np.nan, "missing (NaN)"),
        ("close", np.inf, "inf is not a finite number"),
        ("volume", np.inf, "inf is not a finite number"),
        ("value", -np.inf, "-inf is not a finite number"),
        ("close", 0.0, "<= 0"),
        ("low", -5.0, "<= 0"),
        ("volume", -1.0, "volume -1.0 < 0"),
        ("high", 1.0, "< low"),
        ("open", 1e12, "outside [low"),
        ("close", 1.0, "outside [low"),
        ("high", 1e308, "1e+308 above the plausible 1e+12"),
        ("volume", 1e300, "above the plausible 1e+15"),
        ("value", 1e17, "above the plausible 1e+16"),
    ],
)
def test_each_bad_value_is_named(day, column, value, what):
    with pytest.raises(CandleValidationError) as raised:
        validate_candles(broken(day, column, value), "KRW-BTC", "test")
    assert any(
        problem.startswith(f"KRW-BTC 2024-05-01T05:00:00+00:00 column '{column}'") and what in problem
        for problem in raised.value.problems
    ), raised.value.problems
    assert "nothing was written" in str(raised.value)


def test_conflicting_duplicate_times(day):
    clash = day.iloc[[5]].assign(close=day.iloc[5]["close"] + 1)
    with pytest.raises(
        CandleValidationError, match=re.escape("KRW-BTC 2024-05-01T05:00:00+00:00 column 'candle_time': duplicate")
    ):
        validate_candles(pd.concat([day, clash]), "KRW-BTC", "test")


def test_identical_duplicates_are_dropped_and_output_sorted(day):
    shuffled = pd.concat([day.iloc[::-1], day.iloc[:3]])
    assert validate_candles(shuffled, "KRW-BTC", "test").equals(day)


def test_off_grid_and_naive_times(day):
    off_grid = day.copy()
    off_grid.loc[5, "candle_time"] = AT + pd.Timedelta(minutes=30)
    with pytest.raises(CandleValidationError, match="05:30:00\\+00:00 column 'candle_time': not on the 1h grid"):
        validate_candles(off_grid, "KRW-BTC", "test")
    with pytest.raises(CandleValidationError, match="timezone-aware"):
        validate_candles(day.assign(candle_time=day.candle_time.dt.tz_localize(None)), "KRW-BTC", "test")


def test_unknown_and_missing_columns(day):
    with pytest.raises(CandleValidationError, match=r"unknown columns \['colour'\], missing columns \['volume'\]"):
        validate_candles(day.drop(columns="volume").assign(colour="red"), "KRW-BTC", "test")


def test_rows_of_another_market(day):
    with pytest.raises(CandleValidationError, match="column 'market': row belongs to 'KRW-ETH'"):
        validate_candles(day.assign(market="KRW-ETH"), "KRW-BTC", "test")


def test_many_problems_are_counted_and_the_first_ten_listed(day):
    with pytest.raises(CandleValidationError, match=r"(?s)24 invalid candle value\(s\).*\.\.\. and 14 more"):
        validate_candles(day.assign(volume=np.nan), "KRW-BTC", "test")
