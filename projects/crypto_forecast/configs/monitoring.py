from pydantic import Field

from compose.specs import MonitoringThresholds


class MonitoringConfig(MonitoringThresholds):
    """When the champion counts as decayed, on top of the platform's drift thresholds and cooldown.

    The defaults come from replaying the shipped 2019-2024 candles (benchmarks/drift_detection.py): hourly crypto
    features move between volatility regimes all the time, so PSI on a single feature over a few days is above
    0.25 in most hours of real, unshifted data. Drift therefore needs every monitored feature to alert at once
    (min_drifted_share 1.0), and decay compares a day of live error with twice the champion's test error.
    """

    performance_window_hours: int = Field(default=24, ge=1)
    # Decay: live MAE above the champion's own test MAE by this factor, or above naive on the same hours by
    # naive_factor. "Above" is the point: the original template had the comparison inverted.
    decay_factor: float = Field(default=2.0, gt=1)
    naive_factor: float = Field(default=1.25, gt=1)
    drift_features: tuple[str, ...] = ("ret_1h", "ret_3h", "range_1h", "volume_z_168h")
