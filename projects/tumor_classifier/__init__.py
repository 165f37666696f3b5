"""tumor_classifier: malignant or benign, from breast-mass measurements arriving in daily batches (run.py)."""
