"""What a retry cannot fix fails the task at once, with one message saying what to do (AirflowFailException: no
retries); outages stay ordinary errors that Airflow retries (tests/faults/test_outages.py, test_crashes.py)."""

import pytest
from airflow.sdk.exceptions import AirflowFailException

from lifecycle import stages
from projects.crypto_forecast.run import PROJECT as CRYPTO
from workflows.factories import _partitions
from workflows.factories import _run as run_task

CASES = {
    "replay range": (
        lambda project: stages.data(project, "2030-01-01", "2030-01-02", source="replay"),
        "ReplayRangeError: replay covers 20",
    ),
    "not enough data": (
        lambda project: stages.train(project, end="2024-03-01", config="smoke"),
        "NotEnoughData: crypto_forecast KRW-BTC: no stored features; run the data stage first",
    ),
    "unknown config": (
        lambda project: stages.data(project, config="tiny"),
        "KeyError: \"crypto_forecast has no config named 'tiny'; available: default",
    ),
    "bad config values": (
        lambda project: stages.data(project, config=project.spec().model_validate({"data": {"lookback_hours": 1}})),
        "ValidationError",
    ),
    "unknown partition": (
        lambda project: stages.monitor(project, partition="KRW-NOPE"),
        "UnknownPartition: unknown market 'KRW-NOPE': config 'default' of crypto_forecast declares KRW-BTC",
    ),
    "empty interval": (
        lambda project: stages.data(project, "2024-03-02", "2024-03-01", source="replay"),
        "DataError: empty interval: start 2024-03-02T00:00:00+00:00 is not before end",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_what_a_retry_cannot_fix_fails_at_once_with_one_message(case, database):
    call, message = CASES[case]
    with pytest.raises(AirflowFailException) as failed:
        run_task(CRYPTO.name, call)
    assert str(failed.value).startswith(message)


def test_a_workflow_asked_for_an_unknown_partition_fails_at_once():
    """The partitions task of train, inference and monitoring, with the `partition` param of a trigger."""
    with pytest.raises(AirflowFailException, match="UnknownPartition: unknown market 'KRW-NOPE'"):
        _partitions(CRYPTO.name, {"params": {"config": "default", "partition": "KRW-NOPE"}})
    assert _partitions(CRYPTO.name, {"params": {"config": "default", "partition": None}}) == ["KRW-BTC"]
