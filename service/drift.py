"""Feature drift of a recent window against a reference sample: PSI and the two-sample KS test."""

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from compose.specs import MonitoringThresholds


def psi(reference: np.ndarray, recent: np.ndarray, bins: int = 10) -> float:
    """Population stability index with bins at the reference's quantiles (equal reference mass per bin).

    Empty bins get a small floor so one empty bin does not make the index infinite.
    """
    reference, recent = reference[np.isfinite(reference)], recent[np.isfinite(recent)]
    if len(reference) < bins or len(recent) == 0:
        return float("nan")
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1) / len(reference)
    actual = np.bincount(np.searchsorted(edges, recent, side="right"), minlength=len(edges) + 1) / len(recent)
    expected, actual = np.clip(expected, 1e-4, None), np.clip(actual, 1e-4, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def ks_pvalue(reference: np.ndarray, recent: np.ndarray) -> float:
    reference, recent = reference[np.isfinite(reference)], recent[np.isfinite(recent)]
    if len(reference) == 0 or len(recent) == 0:
        return float("nan")
    return float(ks_2samp(reference, recent).pvalue)


def feature_drift(reference: pd.DataFrame, recent: pd.DataFrame, thresholds: MonitoringThresholds) -> dict[str, dict]:
    """{feature: {psi, ks_pvalue, level}} for each of thresholds.drift_features; level is ok, warn or alert."""
    statistics = {}
    for feature in thresholds.drift_features:
        before, now = reference[feature].to_numpy(dtype=float), recent[feature].to_numpy(dtype=float)
        index, p_value = psi(before, now, thresholds.psi_bins), ks_pvalue(before, now)
        if index >= thresholds.psi_alert and p_value < thresholds.ks_alpha:
            level = "alert"
        else:
            level = "warn" if index >= thresholds.psi_warn else "ok"
        statistics[feature] = {"psi": index, "ks_pvalue": p_value, "level": level}
    return statistics
