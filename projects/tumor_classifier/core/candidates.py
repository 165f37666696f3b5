"""Hook `candidates`: random forest and gradient boosting, fitted on the training batches, and the baseline that
gives every sample the training batches' share of malignant. Each forecasts the probability of malignant."""

from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from compose.config import ModelParams
from lifecycle.contract import Candidate, Fitted
from lifecycle.models import ConstantModel, fit_on_train
from projects.tumor_classifier.configs import FeatureConfig, GradientBoostingModel, RandomForestModel

FEATURES = list(FeatureConfig().columns)


def fit_forest(frame, params: RandomForestModel, seed: int, report) -> Fitted:
    return Fitted(fit_on_train(frame, FEATURES, RandomForestClassifier(**dict(params), random_state=seed), True))


def fit_boosting(frame, params: GradientBoostingModel, seed: int, report) -> Fitted:
    return Fitted(fit_on_train(frame, FEATURES, GradientBoostingClassifier(**dict(params), random_state=seed), True))


def fit_prevalence(frame, params, seed: int, report) -> Fitted:
    return Fitted(ConstantModel(FEATURES, frame.loc[frame["split"] == "train", "target"].mean()))


CANDIDATES = {
    "random_forest": Candidate("random_forest", RandomForestModel, fit_forest),
    "gradient_boosting": Candidate("gradient_boosting", GradientBoostingModel, fit_boosting),
}
BASELINE = Candidate("prevalence", ModelParams, fit_prevalence)
