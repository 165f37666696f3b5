"""Config classes of crypto_forecast; `utils.load_spec_from_config(name)` finds a config set here by name."""

from projects.crypto_forecast.configs.data import DataConfig
from projects.crypto_forecast.configs.features import FeatureConfig
from projects.crypto_forecast.configs.model import GradientBoostingModel, GRUModel, RidgeModel, model_config
from projects.crypto_forecast.configs.monitoring import MonitoringConfig
from projects.crypto_forecast.configs.project import CalmRegime, Default, Smoke
from projects.crypto_forecast.configs.train import TrainConfig

__all__ = [
    "CalmRegime",
    "DataConfig",
    "Default",
    "FeatureConfig",
    "GRUModel",
    "GradientBoostingModel",
    "MonitoringConfig",
    "RidgeModel",
    "Smoke",
    "TrainConfig",
    "model_config",
]
