"""The stages the platform runs for any project (the DAGs' tasks and `python -m projects.<name>.run` call these):

data        rows of an interval -> raw table -> features table
train       prepare -> trial (per candidate and search trial) -> gate -> register
inference   the champion (and shadow, and the companion baseline) forecast new feature rows, with lineage
monitor     decay and drift of the champion, shadow trials, the retrain verdict, alerts
"""

from lifecycle.stages.data import data
from lifecycle.stages.inference import inference
from lifecycle.stages.monitor import monitor
from lifecycle.stages.train import gate, prepare, register, train, trial

__all__ = ["data", "gate", "inference", "monitor", "prepare", "register", "train", "trial"]
