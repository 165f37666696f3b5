"""Hook `prediction_rows`: a verdict per sample (the platform's defaults join them back to the labels by sample
id, and show the share called malignant per batch next to the share that was)."""

import numpy as np
import pandas as pd


def prediction_rows(features: pd.DataFrame, probability: np.ndarray, spec) -> pd.DataFrame:
    return features[["sample_id", "arrived_at"]].assign(
        probability_malignant=probability, predicted_label=(probability >= spec.train.threshold).astype(int)
    )
