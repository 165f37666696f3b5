"""Two monitoring runs racing on the same model, each on its own connection: the retrain verdict is taken under a
database lock, so they trigger one retrain between them."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from db_handler.locks import hold_lock
from db_handler.tables import retrain_requests
from lifecycle import stages
from projects.tumor_classifier.run import PROJECT as TUMOR

from .conftest import SMOKE, named, wait_for_backends

WINDOWS = ("2024-01-16", "2024-01-17")  # two drifting windows, less than the 72 h cooldown apart


def test_two_monitor_runs_racing_trigger_one_retrain(served, database, pg_url, monkeypatch):
    racers = f"race-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", named(pg_url, racers))
    lock = f"retrain:{TUMOR.name}:{TUMOR.model_name('all')}"

    with ThreadPoolExecutor(len(WINDOWS)) as pool:
        with database.begin() as holder:  # both reach the verdict while it is held, then race for it
            hold_lock(holder, lock)
            runs = [
                pool.submit(stages.monitor, TUMOR, end, config=SMOKE, run_id=f"asset_triggered__{end}")
                for end in WINDOWS
            ]
            wait_for_backends(database, racers, "wait_event = 'advisory'", count=len(WINDOWS))
        summaries = [run.result(timeout=120) for run in runs]

    assert all("drift" in summary["decision"] for summary in summaries)
    assert sorted(summary["retrain"] for summary in summaries) == [False, True]
    [held_back] = [summary for summary in summaries if not summary["retrain"]]
    assert any("requested within 72 h" in reason for reason in held_back["reasons"])
    with database.connect() as conn:
        assert len(conn.execute(select(retrain_requests)).all()) == 1
        assert len(conn.execute(select(TUMOR.tables.monitoring)).all()) == len(WINDOWS)
