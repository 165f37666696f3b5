"""Hook `candidates`: the model families of crypto_forecast and how each is fitted, plus the baseline.

Every fit sees the rows whose split is "train" (the GRU also watches "validation" to stop early); scalers are
fitted on those rows only. A fit returns a Forecaster: consecutive feature rows in, the log return of close over
the horizon out, NaN where a row (or its window) lacks data.
"""

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lifecycle.contract import Candidate, Fitted
from projects.crypto_forecast.configs import FeatureConfig, GradientBoostingModel, GRUModel, NaiveModel, RidgeModel
from projects.crypto_forecast.utils.windows import trailing_windows

FEATURES = FeatureConfig().columns


class Forecaster:
    """A fitted model of any family, as inference and the service call it. It is logged with its code (pickled
    by value), so it must not import project modules inside its methods."""

    def __init__(self, inputs: list[str], estimator=None, window: int = 1, scaler=None) -> None:
        """`estimator`: an sklearn pipeline (window 1, scaling inside), a torch GRU with its `scaler`, or None for
        the persistence forecast."""
        self.inputs = list(inputs)
        self.estimator = estimator
        self.window = window
        self.scaler = scaler

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        values = frame[self.inputs].to_numpy(dtype=float)
        if self.estimator is None:
            return np.zeros(len(values))
        predictions = np.full(len(values), np.nan)
        if self.window == 1:
            usable = ~np.isnan(values).any(axis=1)
            if usable.any():
                predictions[usable] = self.estimator.predict(pd.DataFrame(values[usable], columns=self.inputs))
            return predictions
        windows, usable = trailing_windows(self.scaler.transform(values), self.window)
        if usable.any():
            predictions[usable] = self.estimator.forecast(windows[usable])
        return predictions


def fit_ridge(frame: pd.DataFrame, params: RidgeModel, seed: int, report) -> Fitted:
    return _fit_sklearn(frame, Ridge(alpha=params.alpha))


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
    return _fit_sklearn(frame, estimator)


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
    return Fitted(Forecaster(FEATURES, network, params.window, scaler), {"epochs": best}, epochs)


def fit_naive(frame: pd.DataFrame, params: NaiveModel, seed: int, report) -> Fitted:
    return Fitted(Forecaster(FEATURES))


def _fit_sklearn(frame: pd.DataFrame, estimator) -> Fitted:
    values = frame[FEATURES].to_numpy(dtype=float)
    rows = _rows(frame, "train") & ~np.isnan(values).any(axis=1)
    pipeline = make_pipeline(StandardScaler(), estimator)
    pipeline.fit(pd.DataFrame(values[rows], columns=FEATURES), frame["target"].to_numpy(dtype=float)[rows])
    return Fitted(Forecaster(FEATURES, pipeline))


def _rows(frame: pd.DataFrame, split: str) -> np.ndarray:
    return (frame["split"] == split).to_numpy()


CANDIDATES = {
    "ridge": Candidate("ridge", RidgeModel, fit_ridge),
    "gradient_boosting": Candidate("gradient_boosting", GradientBoostingModel, fit_gradient_boosting),
    "gru": Candidate("gru", GRUModel, fit_gru, requirements=("torch",)),
}
BASELINE = Candidate("naive", NaiveModel, fit_naive)
