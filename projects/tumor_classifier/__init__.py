"""tumor_classifier: malignant or benign, from breast-mass measurements arriving in daily batches (run.py)."""

# the names of the config sets registered in configs/ (checked there): DAG files list them at parse time
CONFIG_NAMES = ("default", "smoke")
