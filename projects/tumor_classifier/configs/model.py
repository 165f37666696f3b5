"""Candidate classifiers, each a config class chosen by its `key`."""

from typing import ClassVar

from compose.specs import Config


class ModelConfig(Config):
    key: ClassVar[str]


class RandomForestModel(ModelConfig):
    key: ClassVar[str] = "random_forest"
    n_estimators: int = 200
    max_depth: int | None = None
    min_samples_leaf: int = 2


class GradientBoostingModel(ModelConfig):
    key: ClassVar[str] = "gradient_boosting"
    n_estimators: int = 150
    learning_rate: float = 0.05
    max_depth: int = 2


MODEL_CONFIGS: dict[str, type[ModelConfig]] = {cls.key: cls for cls in (RandomForestModel, GradientBoostingModel)}


def model_config(key: str) -> ModelConfig:
    if key not in MODEL_CONFIGS:
        raise KeyError(f"no model {key!r}; available: {', '.join(MODEL_CONFIGS)}")
    return MODEL_CONFIGS[key]()
