"""crypto_forecast's hooks, one module per lifecycle step; this package is what run.py hands the platform, so it
names each hook the way lifecycle.contract.Hooks does."""

from projects.crypto_forecast.core.candidates import BASELINE as baseline
from projects.crypto_forecast.core.candidates import CANDIDATES as candidates
from projects.crypto_forecast.core.dataset import label, split
from projects.crypto_forecast.core.evaluate import plots, score
from projects.crypto_forecast.core.features import features
from projects.crypto_forecast.core.load import load
from projects.crypto_forecast.core.monitor import display, realise
from projects.crypto_forecast.core.predict import prediction_rows
from projects.crypto_forecast.core.validate import validate

__all__ = [
    "baseline",
    "candidates",
    "display",
    "features",
    "label",
    "load",
    "plots",
    "prediction_rows",
    "realise",
    "score",
    "split",
    "validate",
]
