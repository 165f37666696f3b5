"""The time-ordered split every project's training uses: train | validation | test, ending at `end`."""

from dataclasses import dataclass
from datetime import datetime


class NotEnoughData(ValueError):
    """Too few rows to train; the message says what to load first."""


@dataclass(frozen=True)
class SplitBounds:
    """train is [train_start, validation_start), validation [validation_start, test_start), test [test_start, end).

    The version registered from a training keeps these as tags: monitoring's drift reference is its training part."""

    train_start: datetime
    validation_start: datetime
    test_start: datetime
    end: datetime

    def as_dict(self) -> dict[str, str]:
        return {name: value.isoformat() for name, value in vars(self).items()}
