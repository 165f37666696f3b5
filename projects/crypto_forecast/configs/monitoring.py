from pydantic import Field

from projects.crypto_forecast.configs.base import Config


class MonitoringConfig(Config):
    """When the champion counts as decayed or its inputs as drifted, and how often retraining may start.

    The defaults come from replaying the shipped 2019-2024 candles (benchmarks/drift_detection.py): hourly crypto
    features move between volatility regimes all the time, so PSI on a single feature over a few days is above
    0.25 in most hours of real, unshifted data. Drift therefore needs every monitored feature to alert at once,
    and decay compares a day of live error with twice the champion's test error.
    """

    performance_window_hours: int = Field(default=24, ge=1)
    min_joined_rows: int = Field(default=12, ge=1)
    # Decay: live MAE above the champion's own test MAE by this factor, or above naive on the same hours by
    # naive_factor. "Above" is the point: the original template had the comparison inverted.
    decay_factor: float = Field(default=2.0, gt=1)
    naive_factor: float = Field(default=1.25, gt=1)
    # Drift of the recent window against the champion's training window, per feature.
    drift_window_hours: int = Field(default=72, ge=2)
    drift_features: tuple[str, ...] = ("ret_1h", "ret_3h", "range_1h", "volume_z_168h")
    psi_bins: int = 10
    psi_warn: float = 0.1
    psi_alert: float = 0.25
    ks_alpha: float = 0.01  # a feature alerts when PSI >= psi_alert and the KS p-value < ks_alpha
    min_drifted_share: float = Field(default=1.0, gt=0, le=1)  # share of drift_features that must alert
    retrain_cooldown_hours: int = Field(default=24, ge=0)
