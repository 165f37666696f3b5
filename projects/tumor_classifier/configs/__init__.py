"""Config classes of tumor_classifier; `utils.load_spec_from_config(name)` finds a config set by name."""

from projects.tumor_classifier.configs.data import DataConfig
from projects.tumor_classifier.configs.features import FeatureConfig
from projects.tumor_classifier.configs.model import GradientBoostingModel, RandomForestModel, model_config
from projects.tumor_classifier.configs.monitoring import MonitoringConfig
from projects.tumor_classifier.configs.project import Default, NoDrift, Smoke
from projects.tumor_classifier.configs.train import TrainConfig

__all__ = [
    "DataConfig",
    "Default",
    "FeatureConfig",
    "GradientBoostingModel",
    "MonitoringConfig",
    "NoDrift",
    "RandomForestModel",
    "Smoke",
    "TrainConfig",
    "model_config",
]
