"""Hooks `prediction_rows`, `realise` and `display`: verdicts as rows, joined BY SAMPLE ID to the labels."""

import numpy as np
import pandas as pd


def prediction_rows(features: pd.DataFrame, probability: np.ndarray, spec) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sample_id": features["sample_id"],
            "arrived_at": features["arrived_at"],
            "probability_malignant": probability,
            "predicted_label": (probability >= spec.train.threshold).astype(int),
        }
    )


def realise(forecasts: pd.DataFrame, samples: pd.DataFrame, spec) -> pd.DataFrame:
    labels = samples.set_index("sample_id")["label"]
    return forecasts.assign(target=labels.reindex(forecasts["sample_id"]).to_numpy(dtype=float))


def display(realised: pd.DataFrame) -> pd.DataFrame:
    """Per batch: the share of samples called malignant, and the share that were."""
    batches = realised.groupby("arrived_at").agg(predicted=("predicted_label", "mean"), actual=("target", "mean"))
    return batches.reset_index().rename(columns={"arrived_at": "time"})
