"""Candidate models, each a config class chosen by its `key` (TrainConfig.candidates lists the keys)."""

from typing import ClassVar

from pydantic import Field

from compose.specs import Config


class ModelConfig(Config):
    key: ClassVar[str]
    family: ClassVar[str]  # "sklearn" or "torch"


class RidgeModel(ModelConfig):
    """Linear model on the scaled features: the strong, cheap baseline every fancier model must beat."""

    key: ClassVar[str] = "ridge"
    family: ClassVar[str] = "sklearn"
    alpha: float = Field(default=100.0, gt=0)


class GradientBoostingModel(ModelConfig):
    """Histogram gradient boosting; its own early stopping is off because it would split at random."""

    key: ClassVar[str] = "gradient_boosting"
    family: ClassVar[str] = "sklearn"
    max_iter: int = 150
    learning_rate: float = 0.03
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 200
    l2_regularization: float = 1.0


class GRUModel(ModelConfig):
    """A small GRU over the last `window` feature rows; early stopping on the (time-ordered) validation part."""

    key: ClassVar[str] = "gru"
    family: ClassVar[str] = "torch"
    window: int = Field(default=24, ge=2)
    hidden_size: int = 32
    epochs: int = 10
    patience: int = 2
    batch_size: int = 256
    learning_rate: float = 1e-3
    threads: int = 2


MODEL_CONFIGS: dict[str, type[ModelConfig]] = {cls.key: cls for cls in (RidgeModel, GradientBoostingModel, GRUModel)}


def model_config(key: str) -> ModelConfig:
    if key not in MODEL_CONFIGS:
        raise KeyError(f"no model {key!r}; available: {', '.join(MODEL_CONFIGS)}")
    return MODEL_CONFIGS[key]()
