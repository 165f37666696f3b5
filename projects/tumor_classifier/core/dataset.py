"""Hooks `label` and `split`: a sample's label is known when it arrives; batches split in arrival order."""

from datetime import datetime, timedelta

import pandas as pd

from lifecycle.contract import SplitBounds
from projects.tumor_classifier.configs import Default


def label(frame: pd.DataFrame, spec: Default) -> pd.DataFrame:
    return frame.assign(target=frame["label"].astype(float), label_time=frame["arrived_at"])


def split(end: datetime, spec: Default) -> SplitBounds:
    """The last test_batches batches before `end` test, the validation_batches before them validate, and so on."""
    every, train = timedelta(hours=spec.data.batch_every_hours), spec.train
    test = end - train.test_batches * every
    validation = test - train.validation_batches * every
    return SplitBounds(validation - train.training_batches * every, validation, test, end)
