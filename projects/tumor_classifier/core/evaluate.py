"""Hooks `score` and `plots`: probabilities of malignant against the labels, for every model and the baseline."""

from lifecycle.metrics import classification_figures, classification_metrics


def score(rows, probability, spec) -> dict[str, float]:
    return classification_metrics(rows["target"], probability, spec.train.threshold)


def plots(test) -> dict:
    return classification_figures(test["target"], test["predicted"].to_numpy())
