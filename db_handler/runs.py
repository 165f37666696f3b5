"""Bookkeeping in the results database: stage runs (workflow_runs) and trainings in flight (trainings)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from db_handler.tables import trainings, workflow_runs
from db_handler.upsert import upsert


@dataclass
class StageRun:
    project: str
    stage: str
    run_id: str
    interval_start: datetime | None
    interval_end: datetime | None
    partition: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    rows_written: int = 0
    rows_unchanged: int = 0
    summary: dict[str, Any] = field(default_factory=dict)

    def row(self, status: str, error: str | None = None) -> dict[str, Any]:
        return {
            "project": self.project,
            "stage": self.stage,
            "run_id": self.run_id,
            "partition": self.partition,
            "interval_start": self.interval_start,
            "interval_end": self.interval_end,
            "status": status,
            "rows_written": self.rows_written,
            "rows_unchanged": self.rows_unchanged,
            "started_at": self.started_at,
            "ended_at": None if status == "running" else datetime.now(UTC),
            "error": error,
            "summary": self.summary or None,
        }


def manual_run_id(origin: str = "manual") -> str:
    """Run id for work started outside Airflow (the CLI: manual, the REST API: api), in Airflow's own style."""
    return f"{origin}__{datetime.now(UTC).isoformat()}__{uuid.uuid4().hex[:6]}"


@contextmanager
def track_run(
    engine: Engine,
    project: str,
    stage: str,
    run_id: str | None,
    interval_start: datetime | None = None,
    interval_end: datetime | None = None,
    partition: str = "",
) -> Iterator[StageRun]:
    """Record a stage run (of one partition, or of all) as running, then as success or failed with the error text
    (re-raised). A retried Airflow task reuses its run id, so its row is updated rather than duplicated.
    """
    run = StageRun(project, stage, run_id or manual_run_id(), interval_start, interval_end, partition)
    _save(engine, run.row("running"))
    try:
        yield run
    except BaseException as error:
        _save(engine, run.row("failed", f"{type(error).__name__}: {error}"))
        raise
    _save(engine, run.row("success"))


def _save(engine: Engine, row: dict[str, Any]) -> None:
    with engine.begin() as conn:
        upsert(conn, workflow_runs, [row], key=("project", "stage", "run_id", "partition"))


def training_started(engine: Engine, project: str, model_name: str, run_id: str, window_end: datetime) -> None:
    """A training of `model_name` is in flight (or, for a retried task, still is)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        upsert(
            conn,
            trainings,
            [
                {
                    "project": project,
                    "model_name": model_name,
                    "run_id": run_id,
                    "window_end": window_end,
                    "status": "running",
                    "started_at": now,
                    "heartbeat_at": now,
                    "ended_at": None,
                }
            ],
            key=("project", "model_name", "run_id"),
            touch=("started_at", "heartbeat_at"),
        )


def trainings_running(conn: Connection, project: str, model_name: str) -> set[str]:
    """The run ids of the trainings of `model_name` that have not ended (the heartbeat is not judged here)."""
    query = select(trainings.c.run_id).where(
        trainings.c.project == project, trainings.c.model_name == model_name, trainings.c.status == "running"
    )
    return set(conn.execute(query).scalars())


def training_alive(engine: Engine, project: str, model_name: str, run_id: str) -> None:
    """Each task of a training reports here; a training that stops reporting stops counting as in flight (one that
    ended, retried, reports nothing)."""
    with engine.begin() as conn:
        conn.execute(
            update(trainings)
            .where(trainings.c.project == project, trainings.c.model_name == model_name, trainings.c.run_id == run_id)
            .where(trainings.c.status == "running")
            .values(heartbeat_at=datetime.now(UTC))
        )


def training_ended(engine: Engine, project: str, model_name: str, run_id: str, status: str) -> None:
    """The training ended with `status`; a retry ending it the same way changes nothing."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            update(trainings)
            .where(trainings.c.project == project, trainings.c.model_name == model_name, trainings.c.run_id == run_id)
            .where(trainings.c.status != status)
            .values(status=status, heartbeat_at=now, ended_at=now)
        )


def trainings_failed(engine: Engine, project: str, run_id: str) -> None:
    """Every training of `run_id` still running is failed (its DAG run failed for good)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            update(trainings)
            .where(trainings.c.project == project, trainings.c.run_id == run_id, trainings.c.status == "running")
            .values(status="failed", ended_at=now)
        )
