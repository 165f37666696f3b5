"""Config sets: the bases every project's configs/ builds on, and the parts of them the platform reads.

A project defines a `Default` config set (a `ConfigSet` with a `name`), variants that subclass it, and registers
them explicitly with `config_sets(Default, Smoke, ...)`; `--config NAME` picks one. The platform reads only the
fields declared here: the feature columns and their version, the training and gate settings, the monitoring
thresholds and the example timeline. Everything else in a config set is the project's own business.
"""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Config(BaseModel):
    """Frozen and strict: a typo in a field name is an error, not a silently ignored setting."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class FloatRange(Config):
    """A search dimension: a float in [low, high], sampled on a log scale when `log`."""

    low: float
    high: float
    log: bool = False


class IntRange(Config):
    low: int
    high: int
    log: bool = False


class Choice(Config):
    values: tuple[str | int | float | None, ...]


SearchSpace = dict[str, FloatRange | IntRange | Choice]


class ModelParams(Config):
    """Hyperparameters of one candidate family, with their defaults; `search_space` names the ones a
    hyperparameter search may change, and over what range."""

    search_space: ClassVar[SearchSpace] = {}


class SearchConfig(Config):
    """Hyperparameter search: trials per candidate family (a family not listed, or with 1, is fitted once with
    its defaults; the defaults are always the first trial of a search)."""

    trials: dict[str, int] = {}
    # Optuna's median pruner stops a trial whose reported epochs trail the median of earlier trials
    prune: bool = True


class PromotionPolicy(Config):
    """How a gate winner becomes champion.

    `test_window`: at once, on the test window alone. `live`: the winner goes to `shadow` first, forecasts
    beside the champion on live data, and is promoted only when it beats the champion by `live_margin` over
    `live_hours` of realised outcomes (else retired). Without a champion the winner serves at once either way."""

    mode: Literal["test_window", "live"] = "test_window"
    live_hours: int = Field(default=48, ge=1)
    live_margin: float = Field(default=0.0, ge=0)


class TrainingConfig(Config):
    """What the platform's train sequence reads; projects add their windows and targets in a subclass."""

    candidates: tuple[str, ...]
    selection_metric: str  # on validation to pick a challenger, then on test for the gate
    higher_is_better: bool = False
    # the challenger must beat the champion by this share on the test window (hysteresis against churn)
    champion_margin: float = Field(default=0.001, ge=0)
    min_training_rows: int = Field(default=100, ge=1)  # fewer labelled rows in the train split: NotEnoughData
    search: SearchConfig = SearchConfig()
    promotion: PromotionPolicy = PromotionPolicy()
    seed: int = 42
    # a training whose tasks have not reported for this long counts as dead, not in flight
    in_flight_timeout_hours: float = Field(default=6.0, gt=0)


class FeaturesConfig(Config):
    """The version stored with each feature row. A project's subclass gives `columns`, the feature columns in
    table order (a field, or a property computed from its settings)."""

    version: str = "v1"


class DataConfig(Config):
    """Raw rows read back before an interval, so the features of its first rows have their history."""

    lookback_hours: int = Field(default=0, ge=0)


class MonitoringConfig(Config):
    """Decay, drift and the retrain cooldown.

    Decay is judged scale-free: the champion's live error against the baseline's on the same realised rows. Drift
    thresholds are calibrated per feature by a block bootstrap of the reference window (service.monitoring.drift),
    so they account for the window size and the autocorrelation of the features."""

    performance_window_hours: int = Field(default=24, ge=1)
    min_joined_rows: int = Field(default=12, ge=1)
    # decay: live selection metric of the champion worse than the baseline's by this factor on the same rows
    decay_vs_baseline: float = Field(default=1.25, gt=1)
    drift_window_hours: int = Field(default=72, ge=2)
    drift_features: tuple[str, ...] = ()
    psi_bins: int = Field(default=10, ge=2)
    # a feature warns above this quantile of its PSI under no drift, and alerts above `alert_quantile`
    warn_quantile: float = Field(default=0.95, gt=0, lt=1)
    alert_quantile: float = Field(default=0.995, gt=0, lt=1)
    min_drifted_share: float = Field(default=0.5, gt=0, le=1)  # share of drift_features that must alert
    # scale-like features (positive, e.g. hourly ranges) whose level is watched for a rise: the mean of their log
    # over the last `level_window_hours` against the `level_baseline_hours` before, alerting above this quantile of
    # the same statistic over the reference window (service.monitoring.level); one such alert is drift
    level_features: tuple[str, ...] = ()
    level_window_hours: int = Field(default=24, ge=1)
    level_baseline_hours: int = Field(default=336, ge=1)
    level_alert_quantile: float = Field(default=0.95, gt=0, lt=1)
    retrain_cooldown_hours: int = Field(default=24, ge=0)

    @model_validator(mode="after")
    def _quantiles_in_order(self) -> "MonitoringConfig":
        if self.warn_quantile >= self.alert_quantile:
            raise ValueError(f"warn_quantile {self.warn_quantile} must be below alert_quantile {self.alert_quantile}")
        return self


class ExampleTimeline(Config):
    """The stretch of the project's shipped or replayed data the demo and the contract tests run on:
    data from `data_start`, a champion trained up to `train_end`, then predictions and monitoring to `end`."""

    data_start: str
    train_end: str
    end: str


class ConfigSet(Config):
    """One named configuration of a project; subclasses narrow the field types to the project's own."""

    name: ClassVar[str] = "default"

    data: DataConfig = DataConfig()
    features: FeaturesConfig
    train: TrainingConfig
    monitoring: MonitoringConfig
    example: ExampleTimeline


def config_sets(*classes: type[ConfigSet], names: tuple[str, ...]) -> dict[str, type[ConfigSet]]:
    """The config sets of a project by name, registered explicitly (the first one is the default).

    `names` is the project's CONFIG_NAMES (its package's __init__.py), the same names in the same order: DAG files
    read that tuple at parse time instead of building these pydantic classes (~15 ms a file)."""
    found: dict[str, type[ConfigSet]] = {}
    for cls in classes:
        if cls.name in found:
            raise ValueError(f"config name {cls.name!r} is used by {found[cls.name].__name__} and {cls.__name__}")
        found[cls.name] = cls
    if "default" not in found:
        raise ValueError("a project needs a config set named 'default'")
    if tuple(found) != tuple(names):
        raise ValueError(f"CONFIG_NAMES {tuple(names)} must list the registered config sets {tuple(found)}, in order")
    return found
