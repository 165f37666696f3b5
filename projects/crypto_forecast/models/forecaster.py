"""The MLflow pyfunc every candidate is logged as, so inference loads any champion the same way.

Input: consecutive feature rows of one market, oldest first (the columns of the signature). Output: the
predicted log return of close over the horizon for each row, NaN where the row (or its window) lacks data.
"""

import mlflow.pyfunc
import numpy as np
import pandas as pd

from projects.crypto_forecast.models.windows import trailing_windows


class Forecaster(mlflow.pyfunc.PythonModel):
    def __init__(self, feature_columns: list[str], estimator, window: int = 1, scaler=None) -> None:
        """`estimator` is an sklearn pipeline (window 1, scaling inside it) or a torch GRU with its `scaler`."""
        self.feature_columns = list(feature_columns)
        self.estimator = estimator
        self.window = window
        self.scaler = scaler

    def predict_log_returns(self, features: pd.DataFrame) -> np.ndarray:
        values = features[self.feature_columns].to_numpy(dtype=float)
        predictions = np.full(len(values), np.nan)
        if self.window == 1:
            usable = ~np.isnan(values).any(axis=1)
            if usable.any():
                predictions[usable] = self.estimator.predict(pd.DataFrame(values[usable], columns=self.feature_columns))
            return predictions
        from projects.crypto_forecast.models.gru import predict_gru

        windows, usable = trailing_windows(self.scaler.transform(values), self.window)
        if usable.any():
            predictions[usable] = predict_gru(self.estimator, windows[usable])
        return predictions

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return pd.DataFrame({"predicted_log_return": self.predict_log_returns(model_input)})
