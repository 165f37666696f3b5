"""Hooks `load` and `validate`: scikit-learn's breast cancer samples as a stream of daily batches.

Every sample keeps its row number in the dataset as `sample_id`; a fixed shuffle decides its batch. `label` is
1 for malignant (the class that matters), 0 for benign. The documented drift is applied here.
"""

from functools import lru_cache

import numpy as np
import pandas as pd

from lifecycle.checks import Problems
from lifecycle.contract import Batch
from projects.tumor_classifier.configs import MEASUREMENTS


@lru_cache(maxsize=4)
def _dataset(shuffle_seed: int) -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    bundle = load_breast_cancer(as_frame=True)
    frame = bundle.data.set_axis(MEASUREMENTS, axis=1)  # sklearn's order, snake_case
    frame.insert(0, "sample_id", frame.index.astype(int))
    frame["label"] = (bundle.target == 0).astype(int)  # sklearn: 0 = malignant
    return frame.iloc[np.random.default_rng(shuffle_seed).permutation(len(frame))].reset_index(drop=True)


def load(batch: Batch) -> pd.DataFrame:
    """Samples of the batches arriving in [start, end), with `batch` and `arrived_at`; drift applied."""
    config, start, end = batch.spec.data, batch.start, batch.end
    samples = _dataset(config.shuffle_seed).copy()
    samples.insert(1, "batch", np.arange(len(samples)) // config.batch_size)
    arrived = pd.Timestamp(config.first_batch_at) + pd.to_timedelta(samples["batch"] * config.batch_every_hours, "h")
    samples.insert(2, "arrived_at", arrived.astype("datetime64[us, UTC]"))
    if config.drift_from_batch is not None:
        samples.loc[samples["batch"] >= config.drift_from_batch, list(config.drifted_columns)] *= config.drift_scale
    return samples[(samples["arrived_at"] >= start) & (samples["arrived_at"] < end)].reset_index(drop=True)


def validate(samples: pd.DataFrame, batch: Batch | None = None) -> pd.DataFrame:
    """The samples by id, exact duplicates dropped; DataError naming batch, sample and column of each problem."""
    problems = Problems(samples, "batch {batch} sample {sample_id}")
    problems.flag_not_finite(MEASUREMENTS)
    for column in MEASUREMENTS:
        problems.flag(samples[column] < 0, column, "negative measurement")
    problems.flag(~samples["label"].isin([0, 1]), "label", "not 0 or 1")
    unique = samples.drop_duplicates()
    problems.flag(unique["sample_id"].duplicated(), "sample_id", "twice, different values", rows=unique)
    problems.raise_any("sample value(s)")
    return unique.sort_values("sample_id").reset_index(drop=True)
