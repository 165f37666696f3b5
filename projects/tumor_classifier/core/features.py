"""Hook `features`: the measurements and three spreads of each sample, which depend on that sample only."""

import numpy as np
import pandas as pd

from projects.tumor_classifier.configs import MEASUREMENTS


def features(samples: pd.DataFrame, spec=None) -> pd.DataFrame:
    out = samples[["sample_id", "arrived_at", *MEASUREMENTS]].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["radius_spread"] = samples["worst_radius"] / samples["mean_radius"]
        out["area_spread"] = samples["worst_area"] / samples["mean_area"]
    out["concavity_spread"] = samples["worst_concavity"] - samples["mean_concavity"]
    return out.replace([np.inf, -np.inf], np.nan)
