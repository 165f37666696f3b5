"""What every stage shares: UTC times, the database with the project's tables, the run record, and the one-line
JSON summary a stage prints (what DAG logs and scripts read)."""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from db_handler import ensure_schema, get_engine
from db_handler.runs import StageRun, track_run
from db_handler.types import json_safe
from lifecycle.contract import Project


def utc(value: datetime | str) -> datetime:
    """An aware UTC datetime from an ISO string or a datetime (Airflow's pendulum ones included: they are made
    plain, whose arithmetic keeps the zone); times without an offset are read as UTC."""
    moment = datetime.fromisoformat(value if isinstance(value, str) else value.isoformat())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def per_partition(project: Project, spec, partition: str | None, run: Callable[[str], dict]) -> dict[str, Any]:
    """`run(partition)` for the one partition asked for, or for each of the config set's: one summary as it is,
    several by partition. An unknown partition fails before anything runs."""
    summaries = {name: run(name) for name in project.partitions_for(spec, partition)}
    return next(iter(summaries.values())) if len(summaries) == 1 else {"partitions": summaries}


def project_engine(project: Project) -> Engine:
    """The results database with the platform's and the project's tables migrated to their newest revision."""
    engine = get_engine()
    ensure_schema(engine, project.name, project.migrations)
    return engine


@contextmanager
def stage_run(
    engine: Engine,
    project: Project,
    stage: str,
    run_id: str | None,
    start: datetime | None = None,
    end: datetime | None = None,
    quiet: bool = False,
    partition: str = "",
) -> Iterator[StageRun]:
    """Record the stage in workflow_runs; the caller fills `run.summary` (and the row counts), which is completed
    with the stage, project, counts, duration and run id, stored, and printed as one JSON line unless `quiet`."""
    began = time.perf_counter()
    with track_run(engine, project.name, stage, run_id, start, end, partition) as run:
        yield run
        run.summary = json_safe(
            {
                "stage": stage,
                "project": project.name,
                **run.summary,
                "rows_written": run.rows_written,
                "rows_unchanged": run.rows_unchanged,
                "duration_s": round(time.perf_counter() - began, 3),
                "run_id": run.run_id,
            }
        )
    if not quiet:
        print(json.dumps(run.summary, default=str), flush=True)
