"""Fixtures for crypto_forecast: stored candles and a trained champion on a small, fast config."""

from typing import ClassVar

import pytest

from projects.crypto_forecast import run
from projects.crypto_forecast.configs import Default, TrainConfig

TRAIN_END = "2024-03-01T00:00:00+00:00"
MODEL = "crypto_forecast-KRW-BTC"


class FastTraining(Default):
    """A small window so the tests train in seconds; found by name like any config set. The naive tolerance is
    wide because a month of hourly data proves little either way: these tests are about the flow."""

    name: ClassVar[str] = "test_fast"
    train: TrainConfig = TrainConfig(
        training_days=30, validation_days=4, test_days=4, candidates=("ridge", "gru"), naive_tolerance=0.05
    )


class RidgeOnly(FastTraining):
    name: ClassVar[str] = "test_ridge"
    train: TrainConfig = FastTraining().train.model_copy(update={"candidates": ("ridge",)})


@pytest.fixture
def candles(database):
    """Shipped candles 2024-01-15 .. 2024-03-08 in the raw and features tables."""
    run.data("2024-01-15T00:00:00+00:00", "2024-03-08T00:00:00+00:00", source="replay")
    return database


@pytest.fixture
def champion(candles, mlflow_store) -> dict:
    """A ridge champion trained on the window ending TRAIN_END."""
    summary = run.train(end=TRAIN_END, config="test_ridge")
    assert summary["decision"] == "promoted"
    return summary
