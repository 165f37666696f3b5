"""Drift maths (pure): PSI, thresholds calibrated for the window size, and a shift the served model acknowledged."""

import numpy as np
import pandas as pd

from compose.config import MonitoringConfig
from service.monitoring.decision import drifted
from service.monitoring.drift import drift_after_acknowledged, feature_drift, psi, thresholds

CONFIG = MonitoringConfig(drift_features=("a", "b"))
RNG = np.random.default_rng(7)


def frame(scale: float, rows: int) -> pd.DataFrame:
    return pd.DataFrame({"a": RNG.standard_t(4, rows) * scale, "b": RNG.standard_t(4, rows) * scale})


def test_psi_is_near_zero_for_the_same_distribution_and_large_for_a_wider_one():
    reference = RNG.normal(size=20_000)
    assert psi(reference, RNG.normal(size=20_000)) < 0.01
    assert psi(reference, RNG.normal(scale=3, size=20_000)) > 0.5
    assert np.isnan(psi(reference, np.array([np.nan, np.inf])))


def test_thresholds_widen_as_the_recent_window_shrinks():
    reference = RNG.normal(size=5_000)
    short, long = thresholds(reference, 24, CONFIG), thresholds(reference, 240, CONFIG)
    assert short[0] > long[0] and short[1] > long[1]
    assert short[0] < short[1]
    tiny_reference = thresholds(reference[:60], 48, CONFIG)  # too few windows: the chi-square approximation
    assert 0 < tiny_reference[0] < tiny_reference[1]


def test_windows_like_the_reference_rarely_alert_and_a_threefold_scale_does():
    reference = frame(1.0, 4_000)
    calm = [drifted(feature_drift(reference, frame(1.0, 72), CONFIG), CONFIG) for _ in range(200)]
    assert np.mean(calm) <= 0.02
    assert drifted(feature_drift(reference, frame(3.0, 72), CONFIG), CONFIG)


def test_a_shift_the_reference_ends_in_is_acknowledged_and_a_further_one_is_not():
    shifted_end = pd.concat([frame(1.0, 4_000), frame(3.0, 72)], ignore_index=True)
    same_regime = frame(3.0, 72)
    assert drifted(feature_drift(shifted_end, same_regime, CONFIG), CONFIG)  # the whole reference: mostly calm
    acknowledged = drift_after_acknowledged(shifted_end, same_regime, CONFIG)
    assert not drifted(acknowledged, CONFIG) and all(stats.get("acknowledged") for stats in acknowledged.values())
    assert drifted(drift_after_acknowledged(shifted_end, frame(12.0, 72), CONFIG), CONFIG)


def test_a_reference_that_ends_calm_acknowledges_nothing():
    reference, recent = frame(1.0, 4_000), frame(3.0, 72)
    assert drift_after_acknowledged(reference, recent, CONFIG) == feature_drift(reference, recent, CONFIG)


def test_a_small_reference_acknowledges_nothing():
    """Five windows' worth of rows before the shift: too few to call its last window drifted from the rest."""
    reference, recent = pd.concat([frame(1.0, 360), frame(3.0, 72)], ignore_index=True), frame(3.0, 72)
    assert drift_after_acknowledged(reference, recent, CONFIG) == feature_drift(reference, recent, CONFIG)
