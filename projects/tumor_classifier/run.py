"""tumor_classifier: malignant or benign, from breast-mass measurements in daily batches (declared here, run by
the platform). `python -m projects.tumor_classifier.run data|train|inference|monitor --help`."""

import sys
from datetime import timedelta
from pathlib import Path

from lifecycle.cli import run_cli
from lifecycle.contract import Project
from projects.tumor_classifier import core
from projects.tumor_classifier.configs import CONFIG_SETS
from projects.tumor_classifier.utils import tables

PROJECT = Project(
    name="tumor_classifier",
    description="Malignant or benign from breast-mass measurements, one batch a day",
    config_sets=CONFIG_SETS,
    folder=Path(__file__).resolve().parent,
    tables=tables.TABLES,
    hooks=core,
    output="probability_malignant",
    cadence=timedelta(days=1),
)

if __name__ == "__main__":
    sys.exit(run_cli(PROJECT))
