"""Causal features: values checked by hand, gaps handled on the time grid, and the future never leaks back."""

import numpy as np
import pandas as pd
import pytest

from projects.crypto_forecast.configs import FeatureConfig
from projects.crypto_forecast.core.features import build_features
from projects.crypto_forecast.core.load import replay_history
from projects.crypto_forecast.run import PROJECT

CONFIG = FeatureConfig()


def candles(closes: list[float], start: str = "2024-01-01 00:00", volume: float = 1.0) -> pd.DataFrame:
    times = pd.date_range(start, periods=len(closes), freq="h", tz="UTC")
    closes = np.array(closes, dtype=float)
    return pd.DataFrame(
        {
            "candle_time": times,
            "open": closes,
            "high": closes * 1.01,
            "low": closes * 0.99,
            "close": closes,
            "volume": volume,
            "value": closes * volume,
        }
    )


def test_values_by_hand():
    closes = list(100 * np.exp(np.linspace(0, 0.5, 200)))
    frame = candles(closes)
    frame.loc[199, "volume"] = 10.0
    features = build_features(frame, CONFIG)
    last = features.iloc[-1]
    assert last["ret_1h"] == pytest.approx(np.log(closes[199] / closes[198]))
    assert last["ret_24h"] == pytest.approx(np.log(closes[199] / closes[175]))
    assert last["vol_24h"] == pytest.approx(np.std(np.diff(np.log(closes[175:])), ddof=1), abs=1e-15)
    log_volume = np.log1p(frame["volume"].to_numpy()[-168:])
    assert last["volume_z_168h"] == pytest.approx((log_volume[-1] - log_volume.mean()) / log_volume.std(ddof=1))
    assert last["range_1h"] == pytest.approx(0.02)
    hour = features.index[-1].hour  # 2024-01-09 07:00 UTC, a Tuesday
    assert (last["hour_sin"], last["hour_cos"]) == pytest.approx(
        (np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24))
    )
    assert last["dow_sin"] == pytest.approx(np.sin(2 * np.pi * 1 / 7))


def test_the_first_rows_lack_history_and_say_so():
    features = build_features(candles([100.0] * 30), CONFIG)
    assert np.isnan(features.iloc[0]["ret_1h"]) and np.isnan(features.iloc[22]["vol_24h"])
    assert features.iloc[24]["vol_24h"] == 0.0 and np.isnan(features.iloc[29]["volume_z_168h"])


def test_a_missing_hour_gets_no_row_and_windows_keep_counting_hours():
    frame = candles([100, 101, 102, 103, 104]).drop(index=2)  # no trades at 02:00
    features = build_features(frame, CONFIG)
    assert len(features) == 4 and pd.Timestamp("2024-01-01 02:00", tz="UTC") not in features.index
    # 03:00's one-hour return: the close carried over the quiet hour is 101, so log(103/101)
    assert features.loc[pd.Timestamp("2024-01-01 03:00", tz="UTC"), "ret_1h"] == pytest.approx(np.log(103 / 101))
    assert features.loc[pd.Timestamp("2024-01-01 04:00", tz="UTC"), "ret_3h"] == pytest.approx(np.log(104 / 101))


@pytest.mark.parametrize("seed", range(5))
def test_changing_the_future_never_changes_the_past(seed):
    history = replay_history().iloc[20_000:20_600].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    cut = int(rng.integers(250, 550))
    before = build_features(history, CONFIG).iloc[: cut + 1]

    future = history.copy()
    later = future.index > cut
    future.loc[later, ["open", "high", "low", "close"]] *= rng.uniform(0.5, 2.0, size=(later.sum(), 1))
    future.loc[later, "volume"] *= rng.uniform(0, 5, size=later.sum())
    future = future.drop(index=rng.choice(np.flatnonzero(later), size=10, replace=False))
    assert build_features(future, CONFIG).iloc[: cut + 1].equals(before)
    assert build_features(history.iloc[: cut + 1], CONFIG).equals(before)


def test_results_do_not_depend_on_where_the_input_starts():
    """What the hourly run computes with its lookback equals the full-history values, to the last bit."""
    history = replay_history().iloc[:5_000]
    lookback = PROJECT.spec().data.lookback_hours
    full = build_features(history, CONFIG)
    start = history["candle_time"].iloc[4_000]
    window = history[history["candle_time"] >= start - pd.Timedelta(hours=lookback)]
    assert build_features(window, CONFIG).loc[start:].equals(full.loc[start:])
