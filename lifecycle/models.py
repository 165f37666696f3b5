"""Model objects most candidates need, so a project's candidates only say which estimator to fit. Each has what
the platform reads of a model (lifecycle.contract.Model): `inputs`, `window`, `predict(frame)`."""

import numpy as np
import pandas as pd


class SklearnModel:
    """A fitted scikit-learn estimator or pipeline on feature rows; NaN for rows with a missing input. With
    `probability`, the output is the probability of the positive class."""

    window = 1

    def __init__(self, inputs: list[str], estimator, probability: bool = False) -> None:
        self.inputs, self.estimator, self.probability = list(inputs), estimator, probability

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        values = frame[self.inputs].to_numpy(dtype=float)
        usable = ~np.isnan(values).any(axis=1)
        out = np.full(len(values), np.nan)
        if usable.any():
            rows = pd.DataFrame(values[usable], columns=self.inputs)
            out[usable] = self.estimator.predict_proba(rows)[:, 1] if self.probability else self.estimator.predict(rows)
        return out


class ConstantModel:
    """The same forecast for every row: persistence (no change), or a prevalence."""

    window = 1

    def __init__(self, inputs: list[str], value: float) -> None:
        self.inputs, self.value = list(inputs), float(value)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.full(len(frame), self.value)


def fit_on_train(frame: pd.DataFrame, inputs: list[str], estimator, probability: bool = False) -> SklearnModel:
    """`estimator` fitted on the rows whose split is "train" and whose inputs are complete, against `target`."""
    rows = frame[(frame["split"] == "train").to_numpy()].dropna(subset=inputs)
    return SklearnModel(inputs, estimator.fit(rows[list(inputs)], rows["target"]), probability)
