"""Bookkeeping of stage runs in the workflow_runs table."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from db_handler.tables import workflow_runs
from db_handler.upsert import upsert


@dataclass
class StageRun:
    project: str
    stage: str
    run_id: str
    interval_start: datetime | None
    interval_end: datetime | None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    rows_written: int = 0
    rows_unchanged: int = 0
    summary: dict[str, Any] = field(default_factory=dict)

    def row(self, status: str, error: str | None = None) -> dict[str, Any]:
        return {
            "project": self.project,
            "stage": self.stage,
            "run_id": self.run_id,
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
) -> Iterator[StageRun]:
    """Record a stage run as running, then as success or failed with the error text (re-raised).

    A retried Airflow task reuses its run id, so its row is updated rather than duplicated.
    """
    run = StageRun(project, stage, run_id or manual_run_id(), interval_start, interval_end)
    _save(engine, run.row("running"))
    try:
        yield run
    except BaseException as error:
        _save(engine, run.row("failed", f"{type(error).__name__}: {error}"))
        raise
    _save(engine, run.row("success"))


def _save(engine: Engine, row: dict[str, Any]) -> None:
    with engine.begin() as conn:
        upsert(conn, workflow_runs, [row], key=("project", "stage", "run_id"))
