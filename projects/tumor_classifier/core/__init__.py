"""tumor_classifier's hooks (lifecycle.contract.Hooks), one module per lifecycle step; run.py hands this over."""

from projects.tumor_classifier.core.candidates import BASELINE as baseline
from projects.tumor_classifier.core.candidates import CANDIDATES as candidates
from projects.tumor_classifier.core.dataset import split
from projects.tumor_classifier.core.evaluate import plots, score
from projects.tumor_classifier.core.features import features
from projects.tumor_classifier.core.load import load, validate
from projects.tumor_classifier.core.predict import prediction_rows

__all__ = ["baseline", "candidates", "features", "load", "plots", "prediction_rows", "score", "split", "validate"]
