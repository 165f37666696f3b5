"""Feature drift of a recent window against a reference window, with thresholds calibrated per feature.

PSI has a floor of noise that depends on the window size (about (bins - 1) / n for n independent rows, more for
autocorrelated hourly features), so fixed thresholds such as 0.1 / 0.25 alarm all the time on short windows. Here
each feature's thresholds are quantiles of the PSI that windows of the same length taken from the reference
itself show (a moving-block bootstrap: every contiguous window of n rows), which accounts for the window size,
the autocorrelation and the variation the model was fitted on. The KS p-value is reported beside, not decided on.
"""

import numpy as np
import pandas as pd
from scipy.stats import chi2, ks_2samp

from compose.config import MonitoringConfig
from service.monitoring.decision import drifted

# Bin shares are estimated with the Jeffreys pseudo-count, (count + 1/2) / (n + bins/2): finite for an empty bin,
# and as uncertain as a window of n rows is. A fixed floor (e.g. 1e-4) made each empty bin of a 72-row window cost
# ~0.69 of PSI whatever its size, so calm stretches with empty tail bins set the thresholds, not the data's spread.
PSEUDO_COUNT = 0.5
MIN_WINDOWS = 30  # fewer reference windows than this: thresholds from the chi-square approximation instead
LEVELS = ("ok", "warn", "alert")
# a reference's last window is judged against the rest only when the rest holds this many windows of its length:
# with fewer, the bootstrap's thresholds are too narrow to tell a shift from the spread of a small sample
MIN_BODY_WINDOWS = 10


def bin_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """Inner bin edges at the reference's quantiles (equal reference mass per bin)."""
    return np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))


def psi_of_counts(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """PSI of bin counts against the reference's bin counts; works on one row of counts or on a matrix of them (one
    row per window)."""
    expected, actual = _smoothed_shares(expected), _smoothed_shares(actual)
    return np.sum((actual - expected) * np.log(actual / expected), axis=-1)


def psi(reference: np.ndarray, recent: np.ndarray, bins: int = 10) -> float:
    """Population stability index of `recent` against `reference`, NaN when either is too small."""
    reference, recent = reference[np.isfinite(reference)], recent[np.isfinite(recent)]
    if len(reference) < bins or len(recent) == 0:
        return float("nan")
    edges = bin_edges(reference, bins)
    return float(psi_of_counts(_counts(reference, edges), _counts(recent, edges)))


def null_psi(reference: np.ndarray, window: int, bins: int) -> np.ndarray:
    """PSI of every contiguous `window`-row stretch of the reference against the whole reference."""
    edges = bin_edges(reference, bins)
    which = np.searchsorted(edges, reference, side="right")
    one_hot = np.zeros((len(reference) + 1, len(edges) + 1))
    one_hot[np.arange(1, len(reference) + 1), which] = 1
    running = one_hot.cumsum(axis=0)
    return psi_of_counts(_counts(reference, edges), running[window:] - running[:-window])


def thresholds(reference: np.ndarray, window: int, config: MonitoringConfig) -> tuple[float, float]:
    """(warn, alert) PSI thresholds for a recent window of `window` rows."""
    if len(reference) - window + 1 >= MIN_WINDOWS:
        null = null_psi(reference, window, config.psi_bins)
        return float(np.quantile(null, config.warn_quantile)), float(np.quantile(null, config.alert_quantile))
    # chi-square approximation for independent rows: n * PSI ~ chi2(bins - 1), widened by the reference's own noise
    scale = 1 / window + 1 / max(len(reference), 1)
    degrees = config.psi_bins - 1
    return float(chi2.ppf(config.warn_quantile, degrees) * scale), float(
        chi2.ppf(config.alert_quantile, degrees) * scale
    )


def ks_pvalue(reference: np.ndarray, recent: np.ndarray) -> float:
    reference, recent = reference[np.isfinite(reference)], recent[np.isfinite(recent)]
    if len(reference) == 0 or len(recent) == 0:
        return float("nan")
    return float(ks_2samp(reference, recent).pvalue)


def feature_drift(reference: pd.DataFrame, recent: pd.DataFrame, config: MonitoringConfig) -> dict[str, dict]:
    """{feature: {psi, warn_at, alert_at, ks_pvalue, level}} for each of config.drift_features; level is ok,
    warn, alert, or insufficient_data when a window has too few finite values."""
    statistics = {}
    for feature in config.drift_features:
        before = reference[feature].to_numpy(dtype=float)
        now = recent[feature].to_numpy(dtype=float)
        before, now = before[np.isfinite(before)], now[np.isfinite(now)]
        if len(before) < 2 * config.psi_bins or len(now) < config.psi_bins:
            statistics[feature] = {
                "level": "insufficient_data",
                "rows": int(len(now)),
                "reference_rows": int(len(before)),
            }
            continue
        index = psi(before, now, config.psi_bins)
        warn_at, alert_at = thresholds(before, len(now), config)
        level = "alert" if index > alert_at else "warn" if index > warn_at else "ok"
        statistics[feature] = {
            "psi": round(index, 6),
            "warn_at": round(warn_at, 6),
            "alert_at": round(alert_at, 6),
            "ks_pvalue": ks_pvalue(before, now),
            "level": level,
        }
    return statistics


def drift_after_acknowledged(
    reference: pd.DataFrame, recent: pd.DataFrame, config: MonitoringConfig
) -> dict[str, dict]:
    """`feature_drift` of `recent` against the reference, where the reference's own last `len(recent)` rows count
    as a second reference when they had drifted from the rest: the served model was then fitted (or kept by a gate)
    on a window that ends in a shift, so the shift is acknowledged, and a feature only alerts (or warns) when it
    also moved away from that acknowledged stretch. Without this a retrain that learned a lasting shift would be
    asked again and again by the shift it just learned."""
    statistics = feature_drift(reference, recent, config)
    tail, body = reference.iloc[-len(recent) :], reference.iloc[: -len(recent)]
    if len(recent) == 0 or len(body) < MIN_BODY_WINDOWS * len(recent):
        return statistics
    if not drifted(feature_drift(body, tail, config), config):
        return statistics
    since = feature_drift(tail, recent, config)
    for feature, stats in statistics.items():
        level, acknowledged = stats["level"], since[feature]["level"]
        if level in ("warn", "alert") and acknowledged in LEVELS:
            statistics[feature] = {**stats, "level": min(level, acknowledged, key=LEVELS.index), "acknowledged": True}
    return statistics


def _counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)


def _smoothed_shares(counts: np.ndarray) -> np.ndarray:
    rows = counts.sum(axis=-1, keepdims=True)
    return (counts + PSEUDO_COUNT) / (rows + PSEUDO_COUNT * counts.shape[-1])
