"""Config sets of crypto_forecast, chosen with `--config NAME` (the DAGs' `config` param). A variant subclasses
`Default`, overrides a field, and is registered in CONFIG_SETS at the bottom of this file, with its name in
CONFIG_NAMES (the package's __init__.py, which DAG files read at parse time).
"""

import os
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from compose import config
from compose.config import ExampleTimeline, FloatRange, IntRange, ModelParams, PromotionPolicy, SearchConfig
from projects.crypto_forecast import CONFIG_NAMES


class DataConfig(config.DataConfig):
    """Which candles to ingest, from where, and how much history the features need."""

    markets: tuple[str, ...] = ("KRW-BTC",)
    interval: Literal["1h"] = "1h"
    lookback_hours: int = Field(default=216, ge=0)  # raw candles read before an interval for its rolling features
    # auto: Upbit when it answers, else the shipped replay of real candles (DATA_SOURCE overrides the default)
    source: str = Field(default_factory=lambda: os.environ.get("DATA_SOURCE", "auto"))
    upbit_max_attempts: int = Field(default=4, ge=1)
    upbit_backoff_seconds: float = Field(default=1.0, ge=0)
    upbit_timeout_seconds: float = 10.0
    # plausible bounds: a candle beyond them is a unit or parsing error, refused before anything is written
    max_price: float = Field(default=1e12, gt=0)  # in the quote currency (KRW-BTC trades near 1e8)
    max_volume: float = Field(default=1e15, gt=0)  # in the base currency, per candle
    max_value: float = Field(default=1e16, gt=0)  # traded value in the quote currency, per candle


class FeatureConfig(config.FeaturesConfig):
    """Causal features of each candle; the windows count hours on the regular grid (gaps included)."""

    return_horizons: tuple[int, ...] = (1, 3, 6, 12, 24)
    volatility_windows: tuple[int, ...] = (24, 168)
    volume_window: int = Field(default=168, ge=2)

    @model_validator(mode="after")
    def _positive_windows(self) -> "FeatureConfig":
        if min(self.return_horizons + self.volatility_windows) < 1:
            raise ValueError("return horizons and volatility windows must be >= 1 hour")
        return self

    @property
    def longest_window(self) -> int:
        return max(self.return_horizons + self.volatility_windows + (self.volume_window,))

    @property
    def columns(self) -> list[str]:
        return (
            [f"ret_{h}h" for h in self.return_horizons]
            + [f"vol_{w}h" for w in self.volatility_windows]
            + [f"volume_z_{self.volume_window}h", "range_1h", "hour_sin", "hour_cos", "dow_sin", "dow_cos"]
        )


class RidgeModel(ModelParams):
    """Linear model on the scaled features: the strong, cheap candidate every fancier one must beat."""

    alpha: float = Field(default=100.0, gt=0)
    search_space: ClassVar = {"alpha": FloatRange(low=1e-1, high=1e5, log=True)}


class GradientBoostingModel(ModelParams):
    """Histogram gradient boosting; its own early stopping is off because it would split at random."""

    max_iter: int = 150
    learning_rate: float = 0.03
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 200
    l2_regularization: float = 1.0
    search_space: ClassVar = {
        "max_iter": IntRange(low=50, high=400, log=True),
        "learning_rate": FloatRange(low=0.005, high=0.2, log=True),
        "max_leaf_nodes": IntRange(low=4, high=63, log=True),
        "min_samples_leaf": IntRange(low=50, high=2000, log=True),
        "l2_regularization": FloatRange(low=1e-3, high=10.0, log=True),
    }


class GRUModel(ModelParams):
    """A small GRU over the last `window` feature rows; early stopping on the (time-ordered) validation part."""

    window: int = Field(default=24, ge=2)
    hidden_size: int = 32
    epochs: int = Field(default=10, ge=1)  # at most; a refit trains exactly the epochs early stopping chose
    patience: int = 2
    batch_size: int = 256
    learning_rate: float = 1e-3
    threads: int = 2
    search_space: ClassVar = {
        "hidden_size": IntRange(low=8, high=64, log=True),
        "learning_rate": FloatRange(low=1e-4, high=1e-2, log=True),
        "window": IntRange(low=6, high=48, log=True),
    }


class NaiveModel(ModelParams):
    """Persistence: the next close equals the last one (a forecast log return of 0). Nothing to fit."""


class TrainConfig(config.TrainingConfig):
    """What to predict, on which moving window, and what a challenger must show to become champion.

    The windows end at the run's end (never at a date written here): train | validation | test in time order,
    split on the target's time. Selection and gate use the MAE of the forecast close."""

    horizon_hours: int = Field(default=1, ge=1)  # target: log return of close from the feature candle to +h
    training_days: int = Field(default=365, ge=1)
    validation_days: int = Field(default=14, ge=1)
    test_days: int = Field(default=14, ge=1)
    min_training_rows: int = 200
    candidates: tuple[str, ...] = ("ridge", "gradient_boosting", "gru")
    selection_metric: str = "mae"
    search: SearchConfig = SearchConfig(trials={"ridge": 8, "gradient_boosting": 6})


class MonitoringConfig(config.MonitoringConfig):
    """Decay and drift of the champion; the thresholds of drift are calibrated on the reference window itself.

    benchmarks/drift_detection.py replays the shipped history hour by hour to measure the false alarm rates and
    the detection delay these defaults give."""

    performance_window_hours: int = Field(default=24, ge=1)
    drift_features: tuple[str, ...] = ("ret_1h", "ret_3h", "range_1h", "volume_z_168h")
    level_features: tuple[str, ...] = ("range_1h",)  # a day of wider hourly ranges than the two weeks before


class Default(config.ConfigSet):
    name: ClassVar[str] = "default"

    data: DataConfig = DataConfig()
    features: FeatureConfig = FeatureConfig()
    train: TrainConfig = TrainConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    # the stretch of the shipped replay the demo and the contract tests run on: a year of candles, a champion
    # trained up to 2024-05-17, then three days of forecasts and monitoring (the replay ends on 2024-05-20)
    example: ExampleTimeline = ExampleTimeline(
        data_start="2023-04-01T00:00:00+00:00", train_end="2024-05-17T00:00:00+00:00", end="2024-05-20T00:00:00+00:00"
    )

    @model_validator(mode="after")
    def _lookback_covers_features(self) -> "Default":
        if self.data.lookback_hours < self.features.longest_window:
            raise ValueError(
                f"data.lookback_hours={self.data.lookback_hours} is shorter than the longest feature window "
                f"({self.features.longest_window} h): the first hours of each interval would lack history"
            )
        return self


class CalmRegime(Default):
    """The regime-change scenario (`make regime-change`): a linear champion that only ever saw a calm stretch."""

    name: ClassVar[str] = "calm_regime"
    train: TrainConfig = TrainConfig(training_days=45, validation_days=7, test_days=7, candidates=("ridge",))


class LiveShadow(Default):
    """Winners that beat a healthy champion prove themselves on 48 h of live data as shadows first."""

    name: ClassVar[str] = "live_shadow"
    train: TrainConfig = TrainConfig(promotion=PromotionPolicy(mode="live", live_hours=48, live_margin=0.0))


class Smoke(Default):
    """Small and fast, for the contract tests every project passes: a month of candles, one linear model, no search."""

    name: ClassVar[str] = "smoke"
    train: TrainConfig = TrainConfig(
        training_days=30, validation_days=4, test_days=4, candidates=("ridge",), search=SearchConfig()
    )
    example: ExampleTimeline = ExampleTimeline(
        data_start="2024-01-15T00:00:00+00:00", train_end="2024-03-01T00:00:00+00:00", end="2024-03-04T00:00:00+00:00"
    )


class TwoMarkets(Smoke):
    """Smoke on two markets: adding a market is one line (`markets`), then a backfill of its candles. The replay
    holds KRW-BTC only, so KRW-ETH comes from Upbit or a CSV (`--source`)."""

    name: ClassVar[str] = "two_markets"
    data: DataConfig = DataConfig(markets=("KRW-BTC", "KRW-ETH"))


CONFIG_SETS = config.config_sets(Default, CalmRegime, LiveShadow, Smoke, TwoMarkets, names=CONFIG_NAMES)
