"""Level checks (pure): a rise in the level of a scale-like feature against the weeks before it, with a threshold
from the reference's own variation, and a rise the served model has seen acknowledged."""

import numpy as np
import pandas as pd
import pytest

from compose.config import MonitoringConfig
from service.monitoring.decision import decide, drifted
from service.monitoring.level import level_drift, level_shift

CONFIG = MonitoringConfig(drift_features=("a",), level_features=("range",))
HOUR = pd.Timedelta(hours=1)


def hours(start: str, scales: list[float], seed: int = 0) -> pd.DataFrame:
    """Hourly rows from `start`: a lognormal range (volatility clusters by the day) times each hour's scale, and a
    noise feature `a`. Two days at the same scale differ in mean log range by ~0.45 (sd)."""
    rng = np.random.default_rng(seed)
    daily = np.repeat(np.exp(rng.normal(0, 0.3, len(scales) // 24 + 1)), 24)[: len(scales)]
    ranges = np.exp(rng.normal(-6, 0.6, len(scales))) * daily * np.array(scales)
    times = pd.date_range(start, periods=len(scales), freq="h", tz="UTC")
    return pd.DataFrame({"time": times, "range": ranges, "a": rng.normal(size=len(scales))})


def test_level_shift_is_the_log_ratio_of_geometric_means():
    times = pd.date_range("2024-01-01", periods=24 * 15, freq="h", tz="UTC")
    logs = pd.Series(np.log(np.r_[np.full(24 * 14, 0.01), np.full(24, 0.03)]), index=times)
    shift = level_shift(logs, 24 * HOUR, 24 * 14 * HOUR)
    assert len(shift) == 1 and shift.iloc[-1] == pytest.approx(np.log(3))  # only where the whole span is covered


def test_a_day_at_three_times_the_range_alerts_and_a_like_day_does_not():
    reference = hours("2023-01-01", [1.0] * 24 * 120)
    calm = hours("2023-05-01", [1.0] * 24 * 15, seed=1)
    tripled = hours("2023-05-01", [1.0] * 24 * 14 + [3.0] * 24, seed=1)
    assert level_drift(reference, calm, "time", CONFIG)["range level"]["level"] == "ok"
    risen = level_drift(reference, tripled, "time", CONFIG)["range level"]
    assert risen["level"] == "alert" and risen["shift"] > risen["alert_at"] > 0
    assert drifted({"a": {"level": "ok", "psi": 0.01}, "range level": risen}, CONFIG)
    decision, reasons = decide([], {"a": {"level": "ok", "psi": 0.01}, "range level": risen}, 24, CONFIG)
    assert decision == "drift" and "range level (mean log up" in reasons[0]


def test_a_calmer_day_is_not_an_alarm_and_a_short_reference_is_insufficient():
    reference = hours("2023-01-01", [1.0] * 24 * 120)
    calmer = hours("2023-05-01", [1.0] * 24 * 14 + [0.2] * 24, seed=1)
    assert level_drift(reference, calmer, "time", CONFIG)["range level"]["level"] == "ok"
    short = level_drift(reference.iloc[: 24 * 14], calmer, "time", CONFIG)["range level"]
    assert short["level"] == "insufficient_data"
    assert decide([], {"a": {"level": "ok", "psi": 0.01}, "range level": short}, 24, CONFIG)[0] == "ok"


def test_a_project_with_level_checks_only_is_ok_when_its_level_holds():
    level_only = MonitoringConfig(level_features=("range",))
    held = level_drift(
        hours("2023-01-01", [1.0] * 24 * 120), hours("2023-05-01", [1.0] * 24 * 15, seed=1), "time", level_only
    )
    assert held["range level"]["level"] == "ok"
    assert decide([], held, 24, level_only) == ("ok", ["within limits"])


def test_a_rise_the_reference_ends_in_is_acknowledged_and_a_further_one_is_not():
    """A retrain fitted up to two days into a tripled range: the same level after it is known (a day compared with
    a day: it still alerts above that statistic's 95% quantile, ~5% of such days); a further tripling is not."""
    reference = hours("2023-01-01", [1.0] * 24 * 120 + [3.0] * 48)
    after = reference["time"].iloc[-1] + HOUR
    same = hours(after.isoformat(), [3.0] * 24, seed=1)
    further = hours(after.isoformat(), [9.0] * 24, seed=1)
    known = level_drift(reference, pd.concat([reference, same]), "time", CONFIG)["range level"]
    assert known["acknowledged"] and known["level"] == "ok"
    assert level_drift(reference, pd.concat([reference, further]), "time", CONFIG)["range level"]["level"] == "alert"
