"""Features of one sample depend on that sample only, so any batch can be recomputed on its own."""

import numpy as np
import pandas as pd

from projects.tumor_classifier.configs.features import MEASUREMENTS


def build_features(samples: pd.DataFrame) -> pd.DataFrame:
    features = samples[["sample_id", "arrived_at", *MEASUREMENTS]].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        features["radius_spread"] = samples["worst_radius"] / samples["mean_radius"]
        features["area_spread"] = samples["worst_area"] / samples["mean_area"]
    features["concavity_spread"] = samples["worst_concavity"] - samples["mean_concavity"]
    return features.replace([np.inf, -np.inf], np.nan)
