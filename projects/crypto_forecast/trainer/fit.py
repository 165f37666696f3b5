"""Fit one candidate on the training rows; scalers see training rows only."""

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from projects.crypto_forecast.configs.model import GradientBoostingModel, GRUModel, ModelConfig, RidgeModel
from projects.crypto_forecast.models.forecaster import Forecaster
from projects.crypto_forecast.models.windows import trailing_windows


def fit_candidate(frame: pd.DataFrame, feature_columns: list[str], model: ModelConfig, seed: int) -> Forecaster:
    """A Forecaster for `model`, fitted on rows with split == "train" (validation only for early stopping)."""
    train = (frame["split"] == "train").to_numpy()
    values = frame[feature_columns].to_numpy(dtype=float)
    target = frame["target"].to_numpy(dtype=float)
    complete = ~np.isnan(values).any(axis=1)

    if isinstance(model, GRUModel):
        from projects.crypto_forecast.models.gru import fit_gru

        scaler = StandardScaler().fit(values[train & complete])
        windows, usable = trailing_windows(scaler.transform(values), model.window)
        validation = (frame["split"] == "validation").to_numpy()
        fit_rows, valid_rows = train & usable, validation & usable
        estimator = fit_gru(windows[fit_rows], target[fit_rows], windows[valid_rows], target[valid_rows], model, seed)
        return Forecaster(feature_columns, estimator, window=model.window, scaler=scaler)

    pipeline = make_pipeline(StandardScaler(), _sklearn_estimator(model, seed))
    rows = train & complete
    pipeline.fit(pd.DataFrame(values[rows], columns=feature_columns), target[rows])
    return Forecaster(feature_columns, pipeline)


def _sklearn_estimator(model: ModelConfig, seed: int):
    if isinstance(model, RidgeModel):
        return Ridge(alpha=model.alpha)
    if isinstance(model, GradientBoostingModel):
        return HistGradientBoostingRegressor(
            max_iter=model.max_iter,
            learning_rate=model.learning_rate,
            max_leaf_nodes=model.max_leaf_nodes,
            min_samples_leaf=model.min_samples_leaf,
            l2_regularization=model.l2_regularization,
            early_stopping=False,
            random_state=seed,
        )
    raise TypeError(f"no sklearn estimator for {type(model).__name__}")
