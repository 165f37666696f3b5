"""Metrics and figures every classifier project needs (a forecaster's are its own: they depend on its target)."""

import numpy as np
from matplotlib.figure import Figure


def classification_metrics(label: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy and F1 of the positive class at `threshold`; calibration as Brier score, log loss and expected
    calibration error."""
    from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, log_loss

    label = np.asarray(label, dtype=int)
    if len(label) == 0:
        return {"rows": 0}
    called = (probability >= threshold).astype(int)
    return {
        "accuracy": float(accuracy_score(label, called)),
        "f1": float(f1_score(label, called, zero_division=0.0)),
        "brier": float(brier_score_loss(label, probability, pos_label=1)),
        "log_loss": float(log_loss(label, np.clip(probability, 1e-6, 1 - 1e-6), labels=[0, 1])),
        "ece": expected_calibration_error(label, probability),
        "rows": len(label),
    }


def expected_calibration_error(label: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Mean gap between predicted probability and observed frequency over equal-width bins, weighted by how many
    fall in each."""
    which = np.minimum((probability * bins).astype(int), bins - 1)
    gaps = [abs(probability[which == b].mean() - label[which == b].mean()) * (which == b).sum() for b in set(which)]
    return float(sum(gaps) / len(label)) if len(label) else float("nan")


def classification_figures(label: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, Figure]:
    """The confusion matrix at `threshold` and the calibration curve, drawn by scikit-learn's Display classes."""
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import ConfusionMatrixDisplay

    figures = {"confusion_matrix.png": Figure(figsize=(5, 4)), "calibration.png": Figure(figsize=(5, 4))}
    label = np.asarray(label, dtype=int)
    ConfusionMatrixDisplay.from_predictions(
        label, probability >= threshold, ax=figures["confusion_matrix.png"].subplots()
    )
    CalibrationDisplay.from_predictions(label, probability, n_bins=5, ax=figures["calibration.png"].subplots())
    return figures
