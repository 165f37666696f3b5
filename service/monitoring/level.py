"""A rise in the level of a scale-like feature (an hourly price range, a volatility), which PSI against the served
model's reference misses: a year of KRW-BTC holds 3-day windows as wild as a calm week whose volatility tripled a
day ago, so the PSI of that week stays inside the year's own spread.

The statistic is the mean of log(feature) over the last `level_window_hours` minus its mean over the
`level_baseline_hours` before them: the log of the ratio of their geometric means, which one wild hour moves less
than a level that rose. It alerts above the `level_alert_quantile` of the same statistic at every hour of the
reference window, so the threshold is the variation the model was fitted on. One-sided: a calmer market is not an
alarm. When the reference itself ends in a rise (it alerted within its last window: a retrain that learned it),
the recent window must also have risen from the reference's last window to alert.
"""

import numpy as np
import pandas as pd

from compose.config import MonitoringConfig

MIN_REFERENCE_POINTS = 30  # fewer hours of the statistic in the reference: no threshold, insufficient_data


def level_shift(logs: pd.Series, window: pd.Timedelta, baseline: pd.Timedelta) -> pd.Series:
    """At each time t of `logs` (time-indexed): their mean over (t - window, t] minus their mean over
    (t - window - baseline, t - window]; only where the series covers that whole span."""
    recent_sum, recent_rows = logs.rolling(window).sum(), logs.rolling(window).count()
    span_sum, span_rows = logs.rolling(window + baseline).sum(), logs.rolling(window + baseline).count()
    shift = recent_sum / recent_rows - (span_sum - recent_sum) / (span_rows - recent_rows)
    if len(logs) < 2:
        return shift.iloc[:0]
    step = logs.index.to_series().diff().median()  # the series' cadence: its first row opens a covered span
    return shift[logs.index >= logs.index.min() + window + baseline - step].dropna()


def level_drift(reference: pd.DataFrame, recent: pd.DataFrame, time: str, config: MonitoringConfig) -> dict[str, dict]:
    """{"<feature> level": {shift, alert_at, level}} for each of config.level_features; `recent` holds the rows of
    the last level_window_hours + level_baseline_hours. Level is ok, alert, or insufficient_data."""
    window, baseline = pd.Timedelta(hours=config.level_window_hours), pd.Timedelta(hours=config.level_baseline_hours)
    quantile, statistics = config.level_alert_quantile, {}
    for feature in config.level_features:
        floor = _floor(reference[feature])
        before, recent_logs = _logs(reference, time, feature, floor), _logs(recent, time, feature, floor)
        null, now = level_shift(before, window, baseline), level_shift(recent_logs, window, baseline)
        if len(null) < MIN_REFERENCE_POINTS or now.empty:
            statistics[f"{feature} level"] = {"level": "insufficient_data", "reference_points": len(null)}
            continue
        alert_at, shift = float(np.quantile(null, quantile)), float(now.iloc[-1])
        entry = {"shift": round(shift, 6), "alert_at": round(alert_at, 6), "level": "ok"}
        if null[null.index > null.index[-1] - window].max() > alert_at:
            # the reference ends in a rise, which the served model has seen: the recent window must also have risen
            # from the reference's last window, beyond the same quantile of that window-on-window statistic
            risen_since = recent_logs[recent_logs.index > recent_logs.index[-1] - window].mean()
            risen_since -= before[before.index > before.index[-1] - window].mean()
            acknowledged_at = float(np.quantile(level_shift(before, window, window), quantile))
            entry.update(acknowledged=True, risen_since=round(float(risen_since), 6))
            entry["level"] = "alert" if shift > alert_at and risen_since > acknowledged_at else "ok"
        elif shift > alert_at:
            entry["level"] = "alert"
        statistics[f"{feature} level"] = entry
    return statistics


def _logs(frame: pd.DataFrame, time: str, feature: str, floor: float) -> pd.Series:
    """log(feature) indexed by time, values below `floor` raised to it."""
    values = frame.set_index(time)[feature].astype(float).dropna()
    return np.log(values.clip(lower=floor))


def _floor(values: pd.Series) -> float:
    """The smallest positive value: zeros (an hour without a price move) count as the smallest move seen."""
    positive = values.astype(float)[values > 0]
    return float(positive.min()) if len(positive) else 1e-12
