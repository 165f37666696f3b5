"""scikit-learn's Wisconsin breast cancer samples as a stream of batches (the dataset ships inside the package).

Every sample keeps its row number in the original dataset as `sample_id`; a fixed shuffle decides which batch
it arrives in. `label` is 1 for malignant (the class that matters), 0 for benign.
"""

from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from projects.tumor_classifier.configs import DataConfig
from projects.tumor_classifier.configs.features import MEASUREMENTS


@lru_cache(maxsize=4)
def _dataset(shuffle_seed: int) -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    bundle = load_breast_cancer(as_frame=True)
    frame = bundle.data.copy()
    frame.columns = MEASUREMENTS  # same order as sklearn's feature_names, snake_case
    frame.insert(0, "sample_id", frame.index.astype(int))
    frame["label"] = (bundle.target == 0).astype(int)  # sklearn: 0 = malignant
    order = np.random.default_rng(shuffle_seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def batch_count(config: DataConfig) -> int:
    return -(-len(_dataset(config.shuffle_seed)) // config.batch_size)


def load_batches(config: DataConfig, start: datetime, end: datetime) -> pd.DataFrame:
    """Samples of the batches arriving in [start, end), with `batch` and `arrived_at`; drift applied."""
    samples = _dataset(config.shuffle_seed).copy()
    samples.insert(1, "batch", np.arange(len(samples)) // config.batch_size)
    first = pd.Timestamp(config.first_batch_at)
    arrived = first + pd.to_timedelta(samples["batch"] * config.batch_every_hours, unit="h")
    samples.insert(2, "arrived_at", arrived.astype("datetime64[us, UTC]"))
    if config.drift_from_batch is not None:
        drifting = samples["batch"] >= config.drift_from_batch
        samples.loc[drifting, list(config.drifted_columns)] *= config.drift_scale
    chosen = samples[(samples["arrived_at"] >= start) & (samples["arrived_at"] < end)]
    return chosen.reset_index(drop=True)


def replay_range(config: DataConfig) -> tuple[datetime, datetime]:
    first = pd.Timestamp(config.first_batch_at)
    return first.to_pydatetime(), (
        first + timedelta(hours=batch_count(config) * config.batch_every_hours)
    ).to_pydatetime()
