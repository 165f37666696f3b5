"""Config sets: one class per named configuration, chosen with `--config NAME`.

Subclass `Default` and override a field to make a variant; `utils.load_spec_from_config` finds it by its
`name` without any registration.
"""

from typing import ClassVar

from pydantic import model_validator

from compose.specs import ConfigSet, ExampleTimeline
from projects.crypto_forecast.configs.data import DataConfig
from projects.crypto_forecast.configs.features import FeatureConfig
from projects.crypto_forecast.configs.monitoring import MonitoringConfig
from projects.crypto_forecast.configs.train import TrainConfig


class Default(ConfigSet):
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
    """The regime-change scenario (docs, `make regime-change`): a linear champion that only ever saw a calm
    stretch, so its reference window and test error are those of a quiet market."""

    name: ClassVar[str] = "calm_regime"
    train: TrainConfig = TrainConfig(training_days=45, validation_days=7, test_days=7, candidates=("ridge",))


class Smoke(Default):
    """Small and fast, for the contract tests every project passes: a month of candles, one linear model."""

    name: ClassVar[str] = "smoke"
    train: TrainConfig = TrainConfig(
        training_days=30, validation_days=4, test_days=4, candidates=("ridge",), naive_tolerance=0.05
    )
    example: ExampleTimeline = ExampleTimeline(
        data_start="2024-01-15T00:00:00+00:00", train_end="2024-03-01T00:00:00+00:00", end="2024-03-04T00:00:00+00:00"
    )
