"""Hook `candidates`: random forest and gradient boosting, fitted on the training batches, and the prevalence
baseline. Each gives the probability of malignant."""

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from compose.config import ModelParams
from lifecycle.contract import Candidate, Fitted
from projects.tumor_classifier.configs import FeatureConfig, GradientBoostingModel, RandomForestModel

FEATURES = FeatureConfig().columns


class Classifier:
    def __init__(self, estimator=None, prevalence: float = 0.0) -> None:
        self.inputs, self.window = FEATURES, 1
        self.estimator, self.prevalence = estimator, prevalence

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        if self.estimator is None:
            return np.full(len(frame), self.prevalence)
        return self.estimator.predict_proba(frame[self.inputs])[:, 1]


def _fit(estimator):
    def fit(frame: pd.DataFrame, params, seed: int, report) -> Fitted:
        train = frame[frame["split"] == "train"].dropna(subset=FEATURES)
        model = estimator(**params.model_dump(), random_state=seed).fit(train[FEATURES], train["label"])
        return Fitted(Classifier(model))

    return fit


def fit_prevalence(frame: pd.DataFrame, params, seed: int, report) -> Fitted:
    return Fitted(Classifier(prevalence=float(frame.loc[frame["split"] == "train", "label"].mean())))


CANDIDATES = {
    "random_forest": Candidate("random_forest", RandomForestModel, _fit(RandomForestClassifier)),
    "gradient_boosting": Candidate("gradient_boosting", GradientBoostingModel, _fit(GradientBoostingClassifier)),
}
BASELINE = Candidate("prevalence", ModelParams, fit_prevalence)  # the share of malignant in the training batches
