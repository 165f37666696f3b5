"""Two adjacent backfills of one market at once (issue: the later one's first week computed without its lookback).

The data stage takes the partition's lock before it reads anything stored, so the later backfill waits for the
earlier one's commit and computes its features from committed candles; and a backfill that writes candles
recomputes the stored feature rows whose windows hold them, so the order the two run in does not matter either."""

import os
import subprocess
import sys

from sqlalchemy import text

from compose.paths import REPO_ROOT
from lifecycle import stages
from lifecycle.records import project_engine
from lifecycle.stages.data import feature_drift_from_recompute
from projects.crypto_forecast.run import PROJECT as CRYPTO
from projects.crypto_forecast.utils.tables import features

from .conftest import STOPPED_MID_TRANSACTION, named, wait_for_backends

EARLIER = ("2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00")  # bfA
LATER = ("2024-02-01T00:00:00+00:00", "2024-02-10T00:00:00+00:00")  # bfB: its first 216 h read bfA's candles
WAITING_FOR_THE_PARTITION = "wait_event = 'advisory' AND backend_xid IS NULL"  # nothing written, nothing read yet


def backfill(interval: tuple[str, str], run_id: str, url: str) -> subprocess.Popen:
    """The data stage's command line for `interval`, as its own process."""
    start, end = interval
    command = [sys.executable, "-m", "projects.crypto_forecast.run", "data", "--start", start, "--end", end]
    return subprocess.Popen(
        [*command, "--source", "replay", "--run-id", run_id],
        env={**os.environ, "DATABASE_URL": named(url, run_id)},
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def drift(engine) -> list:
    return feature_drift_from_recompute(engine, CRYPTO, "KRW-BTC", CRYPTO.spec())


def test_the_later_backfill_waits_for_the_earlier_ones_candles(database, pg_url):
    project_engine(CRYPTO)  # the tables, migrated
    with database.connect() as holder:
        holder.execute(text(f'LOCK TABLE "{features.name}" IN EXCLUSIVE MODE'))  # bfA stops before its features
        earlier = backfill(EARLIER, "bfA", pg_url)
        wait_for_backends(database, "bfA", STOPPED_MID_TRANSACTION)  # its candles written, not committed
        later = backfill(LATER, "bfB", pg_url)
        wait_for_backends(database, "bfB", WAITING_FOR_THE_PARTITION)
        holder.rollback()
    for process in (earlier, later):
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err

    assert drift(database) == []
    again = stages.data(CRYPTO, *LATER, source="replay")  # on main this rewrote 168 rows of bfB
    assert again["tables"]["features"]["written"] == 0


def test_the_earlier_backfill_run_second_recomputes_the_later_ones_first_rows(database):
    stages.data(CRYPTO, *LATER, source="replay")  # its first rows computed without a lookback: none was stored
    earlier = stages.data(CRYPTO, *EARLIER, source="replay")

    assert drift(database) == []
    assert earlier["partitions"]["KRW-BTC"]["features_recomputed"] == {
        "start": EARLIER[0],
        "end": LATER[1],  # the last new candle, 2024-01-31T23:00, + 216 h of lookback, + 1 h
    }
    assert earlier["tables"]["features"]["written"] > 31 * 24  # its own rows, and the later run's stale ones
