from pydantic import Field

from compose.specs import Config


class TrainConfig(Config):
    """Batches in arrival order: train | validation | test, ending at the run's `end` (never a fixed date)."""

    training_batches: int = Field(default=10, ge=1)
    validation_batches: int = Field(default=2, ge=1)
    test_batches: int = Field(default=2, ge=1)
    min_training_rows: int = 100
    candidates: tuple[str, ...] = ("random_forest", "gradient_boosting")
    selection_metric: str = "log_loss"  # on validation; lower is better
    # Gate on the test batches, F1 of "malignant": beat the champion by champion_margin (relative) and stay
    # within baseline_tolerance of the majority-class baseline.
    gate_metric: str = "f1"
    champion_margin: float = Field(default=0.0, ge=0)
    baseline_tolerance: float = Field(default=0.0, ge=0)
    threshold: float = Field(default=0.5, gt=0, lt=1)  # probability of malignant above which we say malignant
    seed: int = 42
