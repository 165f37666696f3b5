"""Stage `data`: rows of an interval from the project's source, checked, into the raw table; then their features
into the features table. Every partition is loaded and checked before anything is written, then all writes
happen in one transaction: a bad row anywhere leaves the tables as they were."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from compose.config import ConfigSet
from db_handler import UpsertResult, transaction, upsert
from lifecycle.contract import Batch, DataError, Project
from lifecycle.reads import newest, read_raw
from lifecycle.records import project_engine, stage_run, utc

log = logging.getLogger(__name__)


def data(
    project: Project,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    partition: str | None = None,
    config: str | ConfigSet = "default",
    run_id: str | None = None,
    now: datetime | None = None,
    catch_up: bool | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Load [start, end) of every partition (or one). Without an interval (a bare trigger), load from the newest
    stored row up to `now` (default: the current time). A catch-up run (a bare trigger, or a scheduled one: any
    interval nobody typed in) gets what the source has, maybe nothing; an interval asked for explicitly must be
    covered by the source."""
    spec = project.spec(config)
    partitions = [partition] if partition else project.partitions_of(spec)
    engine = project_engine(project)
    catch_up = (start is None and end is None) if catch_up is None else catch_up
    start, end = _interval(engine, project, partitions, start, end, now)
    with stage_run(engine, project, "data", run_id, start, end) as run:
        batches = [Batch(name, start, end, spec, {**options, "catch_up": catch_up}) for name in partitions]
        loaded = [(batch, _loaded(project, batch)) for batch in batches]
        with transaction(engine) as conn:
            raw = sum((_store_raw(conn, project, batch, rows) for batch, rows in loaded), UpsertResult(0, 0))
            features = sum((_store_features(conn, project, batch) for batch, _ in loaded), UpsertResult(0, 0))
        run.rows_written, run.rows_unchanged = raw.written + features.written, raw.unchanged + features.unchanged
        run.summary = {
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            "partitions": {batch.partition: {"rows": len(rows), **rows.attrs} for batch, rows in loaded},
            "tables": {
                "raw": {"written": raw.written, "unchanged": raw.unchanged},
                "features": {"written": features.written, "unchanged": features.unchanged},
            },
        }
    return run.summary


def _interval(engine, project: Project, partitions, start, end, now) -> tuple[datetime, datetime]:
    if start is not None and end is not None:
        start, end = utc(start), utc(end)
    elif start is None and end is None:
        end = _floor(now or datetime.now(UTC), project.cadence)
        with engine.connect() as conn:
            stored = [newest(conn, project.tables, project.tables.raw, project.tables.time, p) for p in partitions]
        start = min(stored) + project.cadence if all(stored) else end - timedelta(days=7)
    else:
        raise DataError("give both start and end, or neither (then the interval runs from the newest stored row)")
    if start >= end:
        raise DataError(f"empty interval: start {start.isoformat()} is not before end {end.isoformat()}")
    return start, end


def _floor(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((utc(moment) - epoch) // step) * step


def _loaded(project: Project, batch: Batch) -> pd.DataFrame:
    rows = project.hooks.validate(project.hooks.load(batch), batch)
    span = f"[{batch.start:%Y-%m-%d %H:%M}, {batch.end:%Y-%m-%d %H:%M}) UTC"
    log.info("%s %s: %d rows loaded and checked for %s", project.name, batch.partition, len(rows), span)
    return rows


def _store_raw(conn: Connection, project: Project, batch: Batch, rows: pd.DataFrame) -> UpsertResult:
    tables = project.tables
    rows = rows.assign(**({tables.partition: batch.partition} if tables.partition else {}))
    if "ingested_at" in tables.raw.c:
        rows = rows.assign(ingested_at=datetime.now(UTC))
    key = [column.name for column in tables.raw.primary_key.columns]
    result = upsert(conn, tables.raw, rows, key=key, touch=("ingested_at",))
    log.info(
        "%s %s: raw rows %d written, %d unchanged", project.name, batch.partition, result.written, result.unchanged
    )
    return result


def _store_features(conn: Connection, project: Project, batch: Batch) -> UpsertResult:
    """Recompute the features of the partition's raw rows in [start, end), reading `lookback_hours` before it."""
    tables, spec = project.tables, batch.spec
    missing = set(spec.features.columns) - set(tables.features.c.keys())
    if missing:
        raise DataError(
            f"config {spec.name!r} makes feature columns {sorted(missing)} that {tables.features.name} lacks: add a "
            "column in utils/tables.py and a migration (mlops migrations revision --autogenerate)"
        )
    history = read_raw(
        conn, tables, batch.partition, batch.start - timedelta(hours=spec.data.lookback_hours), batch.end
    )
    if history.empty:
        return UpsertResult(0, 0)
    features = project.hooks.features(history, spec)
    features = features.loc[features[tables.time] >= batch.start]
    extra = {tables.partition: batch.partition} if tables.partition else {}
    features = features.assign(**extra, feature_set_version=spec.features.version, computed_at=datetime.now(UTC))
    key = [column.name for column in tables.features.primary_key.columns]
    result = upsert(conn, tables.features, features, key=key, touch=("computed_at",))
    log.info(
        "%s %s: feature rows %d written, %d unchanged", project.name, batch.partition, result.written, result.unchanged
    )
    return result
