"""Samples that arrived before `end`, split by batch in arrival order: train | validation | test."""

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from projects.tumor_classifier.configs import Default
from projects.tumor_classifier.utils.queries import read_features
from service.splits import NotEnoughData, SplitBounds


def load_dataset(conn: Connection, end: datetime, spec: Default) -> tuple[pd.DataFrame, SplitBounds]:
    train = spec.train
    frame = read_features(conn, datetime.min.replace(tzinfo=end.tzinfo), end, spec.features.columns)
    arrivals = sorted(frame["arrived_at"].unique())
    needed = train.validation_batches + train.test_batches + 1
    if len(arrivals) < needed:
        raise NotEnoughData(
            f"{len(arrivals)} batches arrived before {end.isoformat()}, need at least {needed}: "
            "run the data stage over more batches first"
        )
    kept = arrivals[-(train.training_batches + train.validation_batches + train.test_batches) :]
    validation_start = kept[-(train.validation_batches + train.test_batches)]
    test_start = kept[-train.test_batches]
    at = frame["arrived_at"]
    frame = frame.assign(
        split=np.select(
            [(at >= kept[0]) & (at < validation_start), (at >= validation_start) & (at < test_start), at >= test_start],
            ["train", "validation", "test"],
            default=None,
        )
    )
    if (frame["split"] == "train").sum() < train.min_training_rows:
        raise NotEnoughData(
            f"{(frame['split'] == 'train').sum()} training samples before {end.isoformat()} "
            f"(need {train.min_training_rows})"
        )
    as_datetime = [pd.Timestamp(value).to_pydatetime() for value in (kept[0], validation_start, test_start)]
    return frame, SplitBounds(*as_datetime, end)
