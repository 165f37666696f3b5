"""What the fault tests share: a tumor_classifier whose champion serves drifting batches, snapshots of the tables a
retry must leave alone, and ways to see from PostgreSQL where a stage has got to (no hooks inside the stages)."""

import time
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, select, text

from db_handler.tables import alerts, gate_decisions, model_events, retrain_requests, trainings
from lifecycle import stages
from projects.tumor_classifier.run import PROJECT as TUMOR

SMOKE = "smoke"
TRAIN_END, DRIFTING = "2024-01-12", "2024-01-16"  # from batch 12 on, the replay drifts (projects/tumor_classifier)
OUTCOMES = (gate_decisions, model_events, retrain_requests, alerts, TUMOR.tables.monitoring)  # what the loop decided
# a backend inside a transaction that has written rows, now waiting for a lock the test holds
STOPPED_MID_TRANSACTION = "wait_event_type = 'Lock' AND backend_xid IS NOT NULL"


@pytest.fixture
def served(database, mlflow_store) -> dict:
    """tumor_classifier's smoke timeline: batches up to 01-17, a champion trained on those before 01-12, its
    forecasts of the drifting batches after it. Returns the training's summary."""
    stages.data(TUMOR, "2024-01-01", "2024-01-17", config=SMOKE)
    trained = stages.train(TUMOR, end=TRAIN_END, config=SMOKE, run_id="manual__first_training")
    assert trained["decision"] == "promoted"
    stages.inference(TUMOR, TRAIN_END, "2024-01-17", config=SMOKE)
    return trained


def snapshot(engine: Engine, tables=(*OUTCOMES, trainings)) -> dict[str, list[dict]]:
    """Every row of `tables`, in a stable order: what a retry must leave exactly as it was."""
    with engine.connect() as conn:
        return {
            table.name: sorted((dict(row._mapping) for row in conn.execute(select(table))), key=repr)
            for table in tables
        }


def named(url: str, application_name: str) -> str:
    """`url` with an application_name, so pg_stat_activity tells which backends are the stage's."""
    return f"{url}{'&' if '?' in url else '?'}application_name={quote(application_name)}"


def wait_for_backends(engine: Engine, application_name: str, where: str, count: int = 1, timeout: float = 60) -> None:
    """Until exactly `count` backends of `application_name` match `where` (SQL on pg_stat_activity): e.g. waiting
    on a lock inside a transaction that has written rows, or (count 0) gone."""
    query = text(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND {where}")
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            if conn.execute(query, {"name": application_name}).scalar_one() == count:
                return
        assert time.monotonic() < deadline, f"{count} backend(s) of {application_name} never matched: {where}"
        time.sleep(0.05)
