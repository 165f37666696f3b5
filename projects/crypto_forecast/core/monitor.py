"""Hooks `realise` and `display`: forecasts joined BY TIMESTAMP to the candle that realised them (never by row
position), and their outcome on the price scale for the dashboard."""

import numpy as np
import pandas as pd

from projects.crypto_forecast.configs import Default


def realise(forecasts: pd.DataFrame, candles: pd.DataFrame, spec: Default) -> pd.DataFrame:
    """The forecasts with close, target_close and target as `label` gives them: the close the forecast started
    from, and the close of the candle at its target time (NaN while that candle is missing)."""
    actual = candles.set_index("candle_time")["close"]
    target_close = actual.reindex(forecasts["target_time"]).to_numpy()
    return forecasts.assign(
        close=forecasts["base_close"],
        target_close=target_close,
        target=np.log(target_close / forecasts["base_close"]),
    )


def display(realised: pd.DataFrame) -> pd.DataFrame:
    """Forecast and actual close by target time."""
    return pd.DataFrame(
        {
            "time": realised["target_time"],
            "predicted": realised["close"] * np.exp(realised["predicted"]),
            "actual": realised["target_close"],
        }
    )
