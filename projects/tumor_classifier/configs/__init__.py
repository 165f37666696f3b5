"""Config sets of tumor_classifier (`--config NAME`): a variant subclasses Default and is registered in
CONFIG_SETS, with its name in CONFIG_NAMES (the package's __init__.py, which DAG files read at parse time)."""

from typing import ClassVar

from compose import config
from compose.config import ExampleTimeline, FloatRange, IntRange, ModelParams, SearchConfig
from projects.tumor_classifier import CONFIG_NAMES

NAMES = "radius texture perimeter area smoothness compactness concavity concave_points symmetry fractal_dimension"
MEASUREMENTS = [f"{stat}_{name}" for stat in ("mean", "se", "worst") for name in NAMES.split()]


class DataConfig(config.DataConfig):
    """sklearn's breast cancer samples, shuffled once, `batch_size` arriving every `batch_every_hours`. From batch
    `drift_from_batch` on, `drifted_columns` read `drift_scale` times larger (a recalibrated device)."""

    first_batch_at: str = "2024-01-01T00:00:00+00:00"
    batch_every_hours: int = 24
    batch_size: int = 30
    shuffle_seed: int = 7
    drift_from_batch: int | None = 12  # arrives 2024-01-13; None: no drift
    drift_scale: float = 1.3
    drifted_columns: tuple[str, ...] = tuple(
        f"{s}_{n}" for s in ("mean", "worst") for n in ("radius", "perimeter", "area")
    )


class FeatureConfig(config.FeaturesConfig):
    columns: tuple[str, ...] = (*MEASUREMENTS, "radius_spread", "area_spread", "concavity_spread")


class RandomForestModel(ModelParams):
    n_estimators: int = 200
    min_samples_leaf: int = 2
    search_space: ClassVar = {"n_estimators": IntRange(low=50, high=400), "min_samples_leaf": IntRange(low=1, high=10)}


class GradientBoostingModel(ModelParams):
    learning_rate: float = 0.05
    max_depth: int = 2
    search_space: ClassVar = {
        "learning_rate": FloatRange(low=0.01, high=0.3, log=True),
        "max_depth": IntRange(low=1, high=4),
    }


class TrainConfig(config.TrainingConfig):
    """Log loss picks and gates: a classifier must give better probabilities than the prevalence, not only hits."""

    training_batches: int = 10
    validation_batches: int = 2
    test_batches: int = 2
    candidates: tuple[str, ...] = ("random_forest", "gradient_boosting")
    selection_metric: str = "log_loss"
    threshold: float = 0.5  # probability of malignant from which a sample is called malignant
    search: SearchConfig = SearchConfig(trials={"random_forest": 4, "gradient_boosting": 4})


class Default(config.ConfigSet):
    name: ClassVar[str] = "default"
    data: DataConfig = DataConfig()
    features: FeatureConfig = FeatureConfig()
    train: TrainConfig = TrainConfig()
    monitoring: config.MonitoringConfig = config.MonitoringConfig(
        performance_window_hours=72,
        min_joined_rows=20,
        drift_features=("mean_radius", "mean_texture", "mean_area", "mean_smoothness", "worst_area"),
        min_drifted_share=0.4,
        retrain_cooldown_hours=72,  # three daily batches: a retrained champion gets time to show its worth
    )
    # the batches the demo and the contract tests replay: train on 11 days, then the drifting days
    example: ExampleTimeline = ExampleTimeline(
        data_start="2024-01-01T00:00:00+00:00", train_end="2024-01-12T00:00:00+00:00", end="2024-01-16T00:00:00+00:00"
    )


class Smoke(Default):
    """Small and fast, for the contract tests every project passes: one model, no search."""

    name: ClassVar[str] = "smoke"
    train: TrainConfig = TrainConfig(candidates=("random_forest",), training_batches=6, search=SearchConfig())


CONFIG_SETS = config.config_sets(Default, Smoke, names=CONFIG_NAMES)
