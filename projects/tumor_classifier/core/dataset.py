"""Hook `split`: batches split in arrival order, the newest ones testing (a sample's label is known when it
arrives: the platform's default label)."""

from datetime import datetime, timedelta

from lifecycle.contract import SplitBounds


def split(end: datetime, spec) -> SplitBounds:
    """The last test_batches batches before `end` test, the validation_batches before them validate, and so on."""
    every, train = timedelta(hours=spec.data.batch_every_hours), spec.train
    test = end - train.test_batches * every
    validation = test - train.validation_batches * every
    return SplitBounds(validation - train.training_batches * every, validation, test, end)
