"""Crashes in the middle of a write: a stage process killed with SIGKILL, the database server restarted. Each stage
writes in one transaction, so the tables show all of a run or none of it, and the rerun completes the interval.

The test holds a lock on the features table, so the data stage stops inside its transaction: the raw rows written,
uncommitted, the features waiting. pg_stat_activity shows when it got there; no hook inside the stage."""

import os
import signal
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from compose.paths import REPO_ROOT
from db_handler.embedded import embedded_url, restart
from db_handler.tables import workflow_runs
from lifecycle import stages
from projects.crypto_forecast.run import PROJECT as CRYPTO
from projects.crypto_forecast.utils.tables import features, raw_candles
from workflows.factories import _run as run_task

from .conftest import STOPPED_MID_TRANSACTION, named, snapshot, wait_for_backends

DAY = timedelta(days=1)
FIRST = datetime(2024, 3, 1, tzinfo=UTC)


def data_run(start: datetime, run_id: str) -> list[str]:
    """The data stage for [start, start + 1 day) as its own process (the command line a task runs)."""
    interval = ["--start", start.isoformat(), "--end", (start + DAY).isoformat()]
    return [
        sys.executable,
        "-m",
        "projects.crypto_forecast.run",
        "data",
        *interval,
        "--source",
        "replay",
        "--run-id",
        run_id,
    ]


def lock_features(conn) -> None:
    conn.execute(text(f'LOCK TABLE "{features.name}" IN EXCLUSIVE MODE'))  # reads pass, writes wait


def stored(engine) -> dict[str, tuple[int, int]]:
    """Per table: (rows, distinct candle times) of the one market."""
    with engine.connect() as conn:
        return {
            table.name: tuple(conn.execute(select(func.count(), func.count(table.c.candle_time.distinct()))).one())
            for table in (raw_candles, features)
        }


def test_a_stage_killed_mid_transaction_leaves_the_tables_unchanged_and_its_rerun_completes(database, pg_url):
    stages.data(CRYPTO, FIRST, FIRST + DAY, source="replay")
    before = snapshot(database, (raw_candles, features))
    stage, run_id = f"killed-{uuid.uuid4().hex[:8]}", "scheduled__2024-03-02"
    environment = {**os.environ, "DATABASE_URL": named(pg_url, stage)}

    with database.connect() as holder:
        lock_features(holder)
        process = subprocess.Popen(data_run(FIRST + DAY, run_id), env=environment, cwd=REPO_ROOT)
        wait_for_backends(database, stage, STOPPED_MID_TRANSACTION)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
        holder.rollback()  # the orphaned backend goes on, finds its client gone, and rolls back
    wait_for_backends(database, stage, "true", count=0)

    assert snapshot(database, (raw_candles, features)) == before
    stages.data(CRYPTO, FIRST + DAY, FIRST + 2 * DAY, source="replay", run_id=run_id)  # the task's retry
    after = snapshot(database, (raw_candles, features))
    assert stored(database) == {raw_candles.name: (48, 48), features.name: (48, 48)}
    assert all(row in after[name] for name, rows in before.items() for row in rows)  # the first day untouched
    with database.connect() as conn:
        runs = conn.execute(select(workflow_runs.c.status).where(workflow_runs.c.run_id == run_id)).scalars().all()
    assert runs == ["success"]


@pytest.fixture
def embedded_server(embedded_pg_dir, monkeypatch):
    """An embedded PostgreSQL of the test's own, the results database of the stages; yields (URL, data dir)."""
    url = embedded_url(embedded_pg_dir)
    monkeypatch.setenv("DATABASE_URL", named(url, "backfill"))
    return url, embedded_pg_dir


def test_an_embedded_postgresql_restarted_mid_backfill_loses_and_duplicates_nothing(embedded_server):
    url, data_dir = embedded_server
    days = [FIRST + number * DAY for number in range(4)]
    watcher = create_engine(url, pool_pre_ping=True)
    stages.data(CRYPTO, days[0], days[1], source="replay", run_id=f"backfill__{days[0]:%F}")

    holder = watcher.connect()
    lock_features(holder)
    with ThreadPoolExecutor(1) as pool:
        interrupted = pool.submit(  # in a thread: the test restarts the server while the stage waits
            run_task,
            CRYPTO.name,
            lambda project: stages.data(project, days[1], days[2], source="replay", run_id=f"backfill__{days[1]:%F}"),
        )
        wait_for_backends(watcher, "backfill", STOPPED_MID_TRANSACTION)
        restart(data_dir)
        with pytest.raises(OperationalError):  # not AirflowFailException: the task is retried
            interrupted.result(timeout=60)
    holder.invalidate()  # its session ended with the restart

    for start in days[1:]:  # the retry of the interrupted interval, then the rest of the backfill
        stages.data(CRYPTO, start, start + DAY, source="replay", run_id=f"backfill__{start:%F}")

    assert stored(watcher) == {raw_candles.name: (96, 96), features.name: (96, 96)}
    with watcher.connect() as conn:
        statuses = dict(conn.execute(select(workflow_runs.c.run_id, workflow_runs.c.status)).all())
    assert statuses == {f"backfill__{day:%F}": "success" for day in days}
    watcher.dispose()
