"""Fit one candidate on the training batches."""

import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from projects.tumor_classifier.configs.model import GradientBoostingModel, ModelConfig, RandomForestModel
from projects.tumor_classifier.models.classifier import Classifier


def fit_candidate(
    frame: pd.DataFrame, columns: list[str], model: ModelConfig, seed: int, threshold: float
) -> Classifier:
    train = frame[frame["split"] == "train"].dropna(subset=columns)
    estimator = _estimator(model, seed).fit(train[columns], train["label"])
    return Classifier(columns, estimator, threshold)


def _estimator(model: ModelConfig, seed: int):
    if isinstance(model, RandomForestModel):
        return RandomForestClassifier(
            n_estimators=model.n_estimators,
            max_depth=model.max_depth,
            min_samples_leaf=model.min_samples_leaf,
            random_state=seed,
            n_jobs=1,
        )
    if isinstance(model, GradientBoostingModel):
        return GradientBoostingClassifier(
            n_estimators=model.n_estimators,
            learning_rate=model.learning_rate,
            max_depth=model.max_depth,
            random_state=seed,
        )
    raise TypeError(f"no estimator for {type(model).__name__}")
