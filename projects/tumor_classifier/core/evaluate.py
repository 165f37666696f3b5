"""Hooks `score` and `plots`: probabilities of malignant against labels, for every model and the baseline alike."""

import numpy as np
from matplotlib.figure import Figure
from sklearn.calibration import CalibrationDisplay
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, brier_score_loss, f1_score, log_loss


def score(rows, probability: np.ndarray, spec) -> dict[str, float]:
    """Accuracy and F1 of malignant at the threshold; calibration: Brier score, log loss, expected calibration error."""
    label, called = rows["target"].to_numpy(dtype=int), (probability >= spec.train.threshold).astype(int)
    if len(label) == 0:
        return {"rows": 0}
    return {
        "accuracy": float(accuracy_score(label, called)),
        "f1": float(f1_score(label, called, zero_division=0.0)),
        "brier": float(brier_score_loss(label, probability, pos_label=1)),
        "log_loss": float(log_loss(label, np.clip(probability, 1e-6, 1 - 1e-6), labels=[0, 1])),
        "ece": expected_calibration_error(label, probability),
        "rows": len(label),
    }


def expected_calibration_error(label: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Mean gap between predicted probability and observed frequency, weighted by how many fall in each bin."""
    which = np.minimum((probability * bins).astype(int), bins - 1)
    gaps = [abs(probability[which == b].mean() - label[which == b].mean()) * (which == b).sum() for b in set(which)]
    return float(sum(gaps) / len(label)) if len(label) else float("nan")


def plots(test) -> dict[str, Figure]:
    """The confusion matrix at 0.5 and the calibration curve of the test batches."""
    figures = {"confusion_matrix.png": Figure(figsize=(5, 4)), "calibration.png": Figure(figsize=(5, 4))}
    label, probability = test["target"].to_numpy(dtype=int), test["predicted"].to_numpy()
    ConfusionMatrixDisplay.from_predictions(label, probability >= 0.5, ax=figures["confusion_matrix.png"].subplots())
    CalibrationDisplay.from_predictions(label, probability, n_bins=5, ax=figures["calibration.png"].subplots())
    return figures
