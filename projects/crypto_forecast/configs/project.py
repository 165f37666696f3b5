"""Config sets: one class per named configuration, chosen with `--config NAME`.

Subclass `Default` and override a field to make a variant; `utils.load_spec_from_config` finds it by its
`name` without any registration.
"""

from typing import ClassVar

from pydantic import model_validator

from compose.specs import ConfigSet
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
