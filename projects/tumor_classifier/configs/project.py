"""Config sets, chosen with `--config NAME`; subclass Default and override a field to make a variant."""

from typing import ClassVar

from compose.specs import ConfigSet, ExampleTimeline
from projects.tumor_classifier.configs.data import DataConfig
from projects.tumor_classifier.configs.features import FeatureConfig
from projects.tumor_classifier.configs.monitoring import MonitoringConfig
from projects.tumor_classifier.configs.train import TrainConfig


class Default(ConfigSet):
    name: ClassVar[str] = "default"

    data: DataConfig = DataConfig()
    features: FeatureConfig = FeatureConfig()
    train: TrainConfig = TrainConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    # the batches the demo and the contract tests replay: train on 11 days, then the drifting days
    example: ExampleTimeline = ExampleTimeline(
        data_start="2024-01-01T00:00:00+00:00", train_end="2024-01-12T00:00:00+00:00", end="2024-01-16T00:00:00+00:00"
    )


class NoDrift(Default):
    """The same replay without the recalibrated device: what monitoring should stay quiet about."""

    name: ClassVar[str] = "no_drift"
    data: DataConfig = DataConfig(drift_from_batch=None)


class Smoke(Default):
    """Small and fast, for the contract tests every project passes."""

    name: ClassVar[str] = "smoke"
    train: TrainConfig = TrainConfig(candidates=("random_forest",), training_batches=6)
