from pydantic import Field

from compose.specs import MonitoringThresholds


class MonitoringConfig(MonitoringThresholds):
    """Decay: the live error rate above the champion's test error rate by `decay_factor` and by at least
    `min_error_increase` (tiny test sets make ratios alone jumpy). Drift thresholds and cooldown: the platform's."""

    performance_window_hours: int = Field(default=72, ge=1)
    min_joined_rows: int = 20
    decay_factor: float = Field(default=1.5, gt=1)
    min_error_increase: float = Field(default=0.05, ge=0)
    drift_window_hours: int = 72
    drift_features: tuple[str, ...] = ("mean_radius", "mean_texture", "mean_area", "mean_smoothness", "worst_area")
    min_drifted_share: float = 0.4
    retrain_cooldown_hours: int = 72  # three daily batches: a retrained champion gets time to show its worth
