from pydantic import Field

from compose.specs import Config


class TrainConfig(Config):
    """What to predict, on which moving window, and what a challenger must show to become champion.

    The windows end at the run's interval end (never at a date written here): train | validation | test,
    in time order, split on the target's time.
    """

    horizon_hours: int = Field(default=1, ge=1)  # target: log return of close from the feature candle to +h
    training_days: int = Field(default=365, ge=1)
    validation_days: int = Field(default=14, ge=1)
    test_days: int = Field(default=14, ge=1)
    min_training_rows: int = 200
    candidates: tuple[str, ...] = ("ridge", "gradient_boosting", "gru")
    selection_metric: str = "mae"  # on the validation part; lower is better
    # Gate, on the test window: challenger MAE <= champion MAE * (1 - champion_margin)
    # and challenger MAE <= naive MAE * (1 + naive_tolerance).
    champion_margin: float = Field(default=0.001, ge=0)
    naive_tolerance: float = Field(default=0.01, ge=0)
    seed: int = 42
