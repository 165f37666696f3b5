"""Hook `candidates`: the model families of crypto_forecast and how each is fitted, plus the baseline.

Every fit sees the rows whose split is "train" (the GRU also watches "validation" to stop early); scalers are
fitted on those rows only. Each model forecasts the log return of close over the horizon from consecutive
feature rows, NaN where a row (or its window) lacks data; the naive baseline forecasts no change.
"""

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lifecycle.contract import Candidate, Fitted
from lifecycle.models import ConstantModel, fit_on_train
from projects.crypto_forecast.configs import FeatureConfig, GradientBoostingModel, GRUModel, NaiveModel, RidgeModel
from projects.crypto_forecast.utils.windows import trailing_windows

FEATURES = FeatureConfig().columns


class WindowForecaster:
    """A torch GRU over the last `window` scaled feature rows. It is logged with its code (pickled by value), so
    it must not import project modules inside its methods."""

    def __init__(self, inputs: list[str], network, window: int, scaler) -> None:
        self.inputs, self.estimator, self.window, self.scaler = list(inputs), network, window, scaler

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        values = frame[self.inputs].to_numpy(dtype=float)
        predictions = np.full(len(values), np.nan)
        windows, usable = trailing_windows(self.scaler.transform(values), self.window)
        if usable.any():
            predictions[usable] = self.estimator.forecast(windows[usable])
        return predictions


def fit_ridge(frame: pd.DataFrame, params: RidgeModel, seed: int, report) -> Fitted:
    return Fitted(fit_on_train(frame, FEATURES, make_pipeline(StandardScaler(), Ridge(alpha=params.alpha))))


def fit_gradient_boosting(frame: pd.DataFrame, params: GradientBoostingModel, seed: int, report) -> Fitted:
    estimator = HistGradientBoostingRegressor(
        max_iter=params.max_iter,
        learning_rate=params.learning_rate,
        max_leaf_nodes=params.max_leaf_nodes,
        min_samples_leaf=params.min_samples_leaf,
        l2_regularization=params.l2_regularization,
        early_stopping=False,
        random_state=seed,
    )
    return Fitted(fit_on_train(frame, FEATURES, make_pipeline(StandardScaler(), estimator)))


def fit_gru(frame: pd.DataFrame, params: GRUModel, seed: int, report) -> Fitted:
    """Early stopping on validation when there is some; a refit (no validation rows) trains `params.epochs`."""
    from projects.crypto_forecast.utils.gru import train_gru

    train, values, target = _rows(frame, "train"), frame[FEATURES].to_numpy(dtype=float), frame["target"].to_numpy()
    scaler = StandardScaler().fit(values[train & ~np.isnan(values).any(axis=1)])
    windows, usable = trailing_windows(scaler.transform(values), params.window)
    fit_rows, valid_rows = train & usable, _rows(frame, "validation") & usable
    network, epochs, best = train_gru(
        windows[fit_rows], target[fit_rows], windows[valid_rows], target[valid_rows], params, seed, report
    )
    return Fitted(WindowForecaster(FEATURES, network, params.window, scaler), {"epochs": best}, epochs)


def fit_naive(frame: pd.DataFrame, params: NaiveModel, seed: int, report) -> Fitted:
    return Fitted(ConstantModel(FEATURES, 0.0))


def _rows(frame: pd.DataFrame, split: str) -> np.ndarray:
    return (frame["split"] == split).to_numpy()


CANDIDATES = {
    "ridge": Candidate("ridge", RidgeModel, fit_ridge),
    "gradient_boosting": Candidate("gradient_boosting", GradientBoostingModel, fit_gradient_boosting),
    "gru": Candidate("gru", GRUModel, fit_gru, requirements=("torch",)),
}
BASELINE = Candidate("naive", NaiveModel, fit_naive)
