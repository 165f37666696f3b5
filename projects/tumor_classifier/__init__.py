"""tumor_classifier: malignant or benign, from breast-mass measurements arriving in daily batches.

The data is scikit-learn's bundled Wisconsin breast cancer set (569 samples, 30 measurements), replayed as
batches over time; from a documented batch on, the size measurements drift (see configs/data.py).
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
PROJECT = PROJECT_DIR.name
