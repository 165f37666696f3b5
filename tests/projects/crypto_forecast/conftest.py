"""Fixtures for crypto_forecast: stored candles and a trained champion on small, fast config sets."""

import pytest

from compose.config import SearchConfig
from lifecycle import stages
from projects.crypto_forecast.configs import Default, TrainConfig
from projects.crypto_forecast.run import PROJECT

TRAIN_END = "2024-03-01T00:00:00+00:00"
MODEL = "crypto_forecast-KRW-BTC"
# Small windows so the tests train in seconds. A month of hourly data proves little either way: these tests are
# about the flow, and which of ridge, the GRU or the naive baseline wins is up to the data.
FAST = Default(
    train=TrainConfig(
        training_days=30, validation_days=4, test_days=4, candidates=("ridge", "gru"), search=SearchConfig()
    )
)
RIDGE = Default(train=FAST.train.model_copy(update={"candidates": ("ridge",)}))


@pytest.fixture
def candles(database):
    """Shipped candles 2024-01-15 .. 2024-03-08 in the raw and features tables."""
    stages.data(PROJECT, "2024-01-15T00:00:00+00:00", "2024-03-08T00:00:00+00:00", source="replay")
    return database


@pytest.fixture
def champion(candles, mlflow_store) -> dict:
    """A champion (ridge or the naive baseline, whichever the gate picks) on the window ending TRAIN_END."""
    summary = stages.train(PROJECT, end=TRAIN_END, config=RIDGE)
    assert summary["decision"] == "promoted"
    return summary
