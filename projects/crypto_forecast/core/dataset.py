"""Hooks `label` and `split`: the supervised rows, features at t and target = log return of close from t to t + h.

The target is joined BY TIMESTAMP (close at t + h from the stored candles), never by shifting rows, so a
missing candle leaves its target missing instead of silently pairing the wrong hours. Splits are on the
target's time, train | validation | test in time order, all ending at the run's `end`.
"""

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from lifecycle.contract import SplitBounds
from projects.crypto_forecast.configs import Default


def label(frame: pd.DataFrame, spec: Default) -> pd.DataFrame:
    """Add target_time, target_close, target (log return) and label_time by looking up the close at t + h."""
    closes = frame.set_index("candle_time")["close"]
    target_time = frame["candle_time"] + pd.Timedelta(hours=spec.train.horizon_hours)
    target_close = closes.reindex(target_time).to_numpy()
    return frame.assign(
        target_time=target_time,
        target_close=target_close,
        target=np.log(target_close / frame["close"]),
        label_time=target_time,
    )


def split(end: datetime, spec: Default) -> SplitBounds:
    train = spec.train
    test_start = end - timedelta(days=train.test_days)
    validation_start = test_start - timedelta(days=train.validation_days)
    return SplitBounds(validation_start - timedelta(days=train.training_days), validation_start, test_start, end)
