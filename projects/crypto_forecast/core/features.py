"""Hook `features`. Causal features: each row uses only its own candle and earlier ones.

Windows count steps on the regular time grid, not rows, so a missing candle (an hour without trades) never
stretches a window: for the grid, close carries forward and volume is zero (no candle means no trade). The
grid is only used for computing; features are returned for real candles only. Rolling statistics are
computed window by window (not with a running sum), so a row's value does not depend on where the frame
starts: the hourly run and a full backfill write the same numbers.
"""

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from projects.crypto_forecast.configs import Default, FeatureConfig


def features(candles: pd.DataFrame, spec: Default) -> pd.DataFrame:
    """The hook: features of every stored candle of one market, with candle_time as a column."""
    return build_features(candles, spec.features, spec.data.interval).reset_index()


def build_features(candles: pd.DataFrame, config: FeatureConfig, interval: str = "1h") -> pd.DataFrame:
    """Features of every candle of one market (`candles` sorted, unique times); indexed by candle_time."""
    candles = candles.set_index("candle_time")
    grid_times = pd.date_range(candles.index.min(), candles.index.max(), freq=interval)
    grid = candles.reindex(grid_times)
    log_close = np.log(grid["close"].ffill().to_numpy())
    log_volume = np.log1p(grid["volume"].fillna(0.0).to_numpy())
    one_step_return = _lagged_difference(log_close, 1)

    columns: dict[str, np.ndarray] = {}
    for horizon in config.return_horizons:
        columns[f"ret_{horizon}h"] = _lagged_difference(log_close, horizon)
    for window in config.volatility_windows:
        columns[f"vol_{window}h"] = _rolling(one_step_return, window, np.std)
    mean = _rolling(log_volume, config.volume_window, np.mean)
    spread = _rolling(log_volume, config.volume_window, np.std)
    with np.errstate(divide="ignore", invalid="ignore"):
        columns[f"volume_z_{config.volume_window}h"] = np.where(spread > 0, (log_volume - mean) / spread, np.nan)
    columns["range_1h"] = ((grid["high"] - grid["low"]) / grid["close"]).to_numpy()
    hour, weekday = grid_times.hour.to_numpy(), grid_times.dayofweek.to_numpy()
    columns["hour_sin"], columns["hour_cos"] = np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24)
    columns["dow_sin"], columns["dow_cos"] = np.sin(2 * np.pi * weekday / 7), np.cos(2 * np.pi * weekday / 7)

    features = pd.DataFrame(columns, index=grid_times)[config.columns]
    features.index.name = "candle_time"
    return features.loc[candles.index]


def _lagged_difference(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    out[lag:] = values[lag:] - values[:-lag]
    return out


def _rolling(values: np.ndarray, window: int, statistic) -> np.ndarray:
    """`statistic` over each trailing window of `window` steps, NaN until the window is full."""
    out = np.full(values.shape, np.nan)
    if len(values) >= window:
        kwargs = {"ddof": 1} if statistic is np.std else {}
        out[window - 1 :] = statistic(sliding_window_view(values, window), axis=1, **kwargs)
    return out
