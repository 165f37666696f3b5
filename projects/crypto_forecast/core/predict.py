"""Hook `prediction_rows`: forecasts as rows of the predictions table.

Timing: the features of candle t are known when t closes (t + 1 h), so the forecast made then is for the candle
at t + h, and it is stamped with that target time; the candle being forecast is never an input.
"""

import numpy as np
import pandas as pd

from projects.crypto_forecast.configs import Default


def prediction_rows(features: pd.DataFrame, predicted_log_return: np.ndarray, spec: Default) -> pd.DataFrame:
    horizon = spec.train.horizon_hours
    base_close = features["close"].to_numpy()
    return pd.DataFrame(
        {
            "target_time": features["candle_time"] + pd.Timedelta(hours=horizon),
            "horizon_hours": horizon,
            "feature_time": features["candle_time"],
            "base_close": base_close,
            "predicted_log_return": predicted_log_return,
            "predicted_close": base_close * np.exp(predicted_log_return),
        }
    )
