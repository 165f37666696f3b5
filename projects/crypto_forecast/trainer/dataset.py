"""The supervised dataset on a moving window: features at t, target = log return of close from t to t + h.

The target is joined BY TIMESTAMP (close at t + h from the stored candles), never by shifting rows, so a
missing candle leaves its target missing instead of silently pairing the wrong hours. Splits are on the
target's time, train | validation | test in time order, all ending at the run's `end`.
"""

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from projects.crypto_forecast.configs import Default
from projects.crypto_forecast.utils.queries import read_features
from service.splits import NotEnoughData, SplitBounds

HISTORY_MARGIN = timedelta(days=3)  # feature rows before the training window, for models that look back


def split_bounds(end: datetime, spec: Default) -> SplitBounds:
    test_start = end - timedelta(days=spec.train.test_days)
    validation_start = test_start - timedelta(days=spec.train.validation_days)
    return SplitBounds(validation_start - timedelta(days=spec.train.training_days), validation_start, test_start, end)


def label(frame: pd.DataFrame, horizon_hours: int) -> pd.DataFrame:
    """Add target_time, target_close and target (log return) by looking up the close at t + h by time."""
    closes = frame.set_index("candle_time")["close"]
    target_time = frame["candle_time"] + pd.Timedelta(hours=horizon_hours)
    target_close = closes.reindex(target_time).to_numpy()
    return frame.assign(
        target_time=target_time, target_close=target_close, target=np.log(target_close / frame["close"])
    )


def assign_splits(frame: pd.DataFrame, bounds: SplitBounds) -> pd.DataFrame:
    """split = train / validation / test by target_time; None for rows that only serve as history."""
    t = frame["target_time"]
    labelled = frame["target"].notna()
    split = np.select(
        [
            labelled & (t >= bounds.train_start) & (t < bounds.validation_start),
            labelled & (t >= bounds.validation_start) & (t < bounds.test_start),
            labelled & (t >= bounds.test_start) & (t < bounds.end),
        ],
        ["train", "validation", "test"],
        default=None,
    )
    return frame.assign(split=split)


def load_dataset(conn: Connection, market: str, end: datetime, spec: Default) -> tuple[pd.DataFrame, SplitBounds]:
    """Feature rows of `market` up to `end` with targets and splits; raises NotEnoughData when too few."""
    bounds = split_bounds(end, spec)
    frame = read_features(conn, market, bounds.train_start - HISTORY_MARGIN, end, spec.features.columns)
    frame = assign_splits(label(frame, spec.train.horizon_hours), bounds)
    counts = frame["split"].value_counts()
    if counts.get("train", 0) < spec.train.min_training_rows or not counts.get("validation") or not counts.get("test"):
        raise NotEnoughData(
            f"{market}: {counts.get('train', 0)} train / {counts.get('validation', 0)} validation / "
            f"{counts.get('test', 0)} test rows with targets in {bounds.train_start.isoformat()} .. {end.isoformat()} "
            f"(need >= {spec.train.min_training_rows} train rows and some of each); run the data workflow for that "
            "range first"
        )
    return frame, bounds
