"""Metrics of "malignant" probabilities against labels, for a model and for the majority-class baseline alike."""

import numpy as np
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, log_loss


def classification_metrics(label: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict:
    """Accuracy and F1 of malignant at `threshold`; calibration as Brier score, expected calibration error
    (10 equal-width bins) and log loss."""
    predicted = (probability >= threshold).astype(int)
    return {
        "accuracy": float(accuracy_score(label, predicted)),
        "f1": float(f1_score(label, predicted, zero_division=0.0)),
        "brier": float(brier_score_loss(label, probability, pos_label=1)) if len(label) else float("nan"),
        "ece": expected_calibration_error(label, probability),
        "log_loss": float(log_loss(label, np.clip(probability, 1e-6, 1 - 1e-6), labels=[0, 1]))
        if len(label)
        else float("nan"),
        "rows": int(len(label)),
    }


def expected_calibration_error(label: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Mean gap between predicted probability and observed frequency, weighted by how many fall in each bin."""
    if len(label) == 0:
        return float("nan")
    which = np.minimum((probability * bins).astype(int), bins - 1)
    gap = sum(
        abs(probability[which == b].mean() - label[which == b].mean()) * (which == b).sum()
        for b in range(bins)
        if (which == b).any()
    )
    return float(gap / len(label))


def score_models(label: np.ndarray, probabilities: dict[str, np.ndarray], prevalence: float, threshold: float) -> dict:
    """Metrics of every model plus "baseline" (the training prevalence as probability: majority class)."""
    scored = {name: classification_metrics(label, p, threshold) for name, p in probabilities.items()}
    return {**scored, "baseline": classification_metrics(label, np.full(len(label), prevalence), threshold)}
