"""Stage `data`: rows of an interval from the project's source, checked, into the raw table; then their features
into the features table. Every partition is loaded and checked before anything is written, then all writes
happen in one transaction: a bad row anywhere leaves the tables as they were.

Runs of one partition never interleave: the transaction first takes the partition's lock, and only then reads
what is stored, so the features are computed from committed rows only. A raw row that is new or changed makes
every feature row whose window holds it stale, also after the interval (a backfill of the hours before a stored
stretch, a corrected candle): those are recomputed in the same transaction, up to `lookback` after the last such
row. Stored values that would change are reported, and refused unless corrections are allowed."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from compose.config import ConfigSet
from db_handler import Change, UpsertResult, compare_stored, transaction, upsert
from db_handler.locks import hold_lock
from lifecycle.contract import Batch, DataError, Project
from lifecycle.reads import newest, read_features, read_raw
from lifecycle.records import project_engine, stage_run, utc

log = logging.getLogger(__name__)
SHOWN_CHANGES = 5  # changed values named in the summary


class CorrectionRefused(DataError):
    """The source gives values that differ from stored ones, and corrections were not allowed."""


@dataclass(frozen=True)
class Stored:
    """What one partition's writes did: the upserts, the stored values they overwrote, the feature rows recomputed."""

    raw: UpsertResult
    features: UpsertResult
    changes: list[Change]
    recomputed: dict[str, str]  # the feature rows recomputed: start and end (exclusive), ISO 8601


def data(
    project: Project,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    partition: str | None = None,
    config: str | ConfigSet = "default",
    run_id: str | None = None,
    now: datetime | None = None,
    catch_up: bool | None = None,
    allow_corrections: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Load [start, end) of every partition (or one). Without an interval (a bare trigger), load from the newest
    stored row up to `now` (default: the current time). A catch-up run (a bare trigger, or a scheduled one: any
    interval nobody typed in) gets what the source has, maybe nothing; an interval asked for explicitly must be
    covered by the source. Stored values that differ from the source are overwritten only with
    `allow_corrections`; otherwise the run fails, naming the first, and writes nothing."""
    spec = project.spec(config)
    partitions = project.partitions_for(spec, partition)
    engine = project_engine(project)
    catch_up = (start is None and end is None) if catch_up is None else catch_up
    start, end = _interval(engine, project, partitions, start, end, now)
    with stage_run(engine, project, "data", run_id, start, end) as run:
        batches = [Batch(name, start, end, spec, {**options, "catch_up": catch_up}) for name in partitions]
        loaded = [(batch, _loaded(project, batch)) for batch in batches]
        with transaction(engine) as conn:
            for name in sorted(partitions):  # one order for every run: two runs never wait on each other's locks
                hold_lock(conn, data_lock(project, name))
            stored = {batch.partition: _store(conn, project, batch, rows, allow_corrections) for batch, rows in loaded}
        raw = sum((done.raw for done in stored.values()), UpsertResult(0, 0))
        features = sum((done.features for done in stored.values()), UpsertResult(0, 0))
        changes = [change for done in stored.values() for change in done.changes]
        run.rows_written, run.rows_unchanged = raw.written + features.written, raw.unchanged + features.unchanged
        run.summary = {
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            "partitions": {
                batch.partition: {
                    "rows": len(rows),
                    **rows.attrs,
                    "features_recomputed": stored[batch.partition].recomputed,
                }
                for batch, rows in loaded
            },
            "tables": {
                "raw": {"written": raw.written, "unchanged": raw.unchanged},
                "features": {"written": features.written, "unchanged": features.unchanged},
            },
            "changed": _counted(changes),
        }
    return run.summary


def data_lock(project: Project, partition: str) -> str:
    """The lock a data run holds for its whole transaction, per partition (db_handler.locks.hold_lock)."""
    return f"data {project.name} {partition}"


def feature_drift_from_recompute(engine: Engine, project: Project, partition: str, spec: ConfigSet) -> list[datetime]:
    """Times of the partition's stored feature rows that differ from the features of all its stored raw rows
    recomputed from scratch (or that one side lacks): empty when every stored feature row is what a full recompute
    gives. Values agree within a relative 1e-9 (a rolling sum started at another row rounds differently in its
    last bits), a missing value only with another missing one."""
    tables, columns = project.tables, list(spec.features.columns)
    with engine.connect() as conn:
        expected = _computed_features(conn, project, partition, spec, None, None)
        stored = read_features(conn, tables, partition, None, None, columns)
    if expected.empty:
        return [moment.to_pydatetime() for moment in stored[tables.time]]
    keys = sorted({column.name for column in tables.features.primary_key.columns} - {tables.partition} | {tables.time})
    joined = expected[[*keys, *columns]].merge(stored[[*keys, *columns]], on=keys, how="outer", indicator=True)
    differs = joined["_merge"] != "both"
    for name in columns:
        mine, theirs = joined[f"{name}_x"].to_numpy(float), joined[f"{name}_y"].to_numpy(float)
        differs |= ~np.isclose(mine, theirs, rtol=1e-9, atol=1e-12, equal_nan=True)
    return sorted(moment.to_pydatetime() for moment in joined.loc[differs, tables.time])


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


def _store(conn: Connection, project: Project, batch: Batch, rows: pd.DataFrame, allow_corrections: bool) -> Stored:
    """The partition's raw rows, then the features of every row the new or changed ones make stale."""
    raw, written, changes = _store_raw(conn, project, batch, rows, allow_corrections)
    lookback = timedelta(hours=batch.spec.data.lookback_hours)
    # a row's window is [its time - lookback, its time]: a written row at t reaches the rows up to t + lookback
    until = max(batch.end, written.max() + lookback + project.cadence) if len(written) else batch.end
    features = _store_features(conn, project, batch, until)
    return Stored(raw, features, changes, {"start": batch.start.isoformat(), "end": until.isoformat()})


def _store_raw(
    conn: Connection, project: Project, batch: Batch, rows: pd.DataFrame, allow_corrections: bool
) -> tuple[UpsertResult, pd.Series, list[Change]]:
    """Upsert the rows; returns the result, the times of the rows written (new or changed) and the stored values
    they overwrote. Refuses (CorrectionRefused) to overwrite stored values unless `allow_corrections`."""
    tables = project.tables
    rows = rows.assign(**({tables.partition: batch.partition} if tables.partition else {}))
    if "ingested_at" in tables.raw.c:
        rows = rows.assign(ingested_at=datetime.now(UTC))
    key = [column.name for column in tables.raw.primary_key.columns]
    touch = ("ingested_at", *tables.provenance)
    compared = compare_stored(conn, tables.raw, rows, key, touch)
    if compared.changes:
        _report_changes(project, batch, compared.changes, allow_corrections)
    result = upsert(conn, tables.raw, rows, key=key, touch=touch)
    log.info(
        "%s %s: raw rows %d written, %d unchanged", project.name, batch.partition, result.written, result.unchanged
    )
    return result, rows.loc[compared.written, tables.time], compared.changes


def _report_changes(project: Project, batch: Batch, changes: list[Change], allow_corrections: bool) -> None:
    """Log the stored values a run overwrites; raise CorrectionRefused, naming the first, unless they are allowed."""
    count = _counted(changes)
    counted = (
        f"{project.name} {batch.partition}: {count['values']} stored value(s) in {count['rows']} row(s) differ from "
        "the source"
    )
    if not allow_corrections:
        raise CorrectionRefused(
            f"{counted}, first {changes[0]}; nothing was written: to overwrite them, run again with "
            "--allow-corrections (the data workflow's param allow_corrections)"
        )
    log.warning("%s, corrected; first: %s", counted, "; ".join(count["first"]))


def _counted(changes: list[Change]) -> dict[str, Any]:
    """Changed stored values as the summary reports them: how many, in how many rows, the first few."""
    rows = {tuple(change.key.values()) for change in changes}
    return {"values": len(changes), "rows": len(rows), "first": [str(change) for change in changes[:SHOWN_CHANGES]]}


def _store_features(conn: Connection, project: Project, batch: Batch, until: datetime) -> UpsertResult:
    """Recompute the features of the partition's raw rows in [start, until)."""
    tables, spec = project.tables, batch.spec
    missing = set(spec.features.columns) - set(tables.features.c.keys())
    if missing:
        raise DataError(
            f"config {spec.name!r} makes feature columns {sorted(missing)} that {tables.features.name} lacks: add a "
            "column in utils/tables.py and a migration (mlops migrations revision --autogenerate)"
        )
    features = _computed_features(conn, project, batch.partition, spec, batch.start, until)
    if features.empty:
        return UpsertResult(0, 0)
    extra = {tables.partition: batch.partition} if tables.partition else {}
    features = features.assign(**extra, feature_set_version=spec.features.version, computed_at=datetime.now(UTC))
    key = [column.name for column in tables.features.primary_key.columns]
    result = upsert(conn, tables.features, features, key=key, touch=("computed_at",))
    log.info(
        "%s %s: feature rows %d written, %d unchanged", project.name, batch.partition, result.written, result.unchanged
    )
    return result


def _computed_features(
    conn: Connection, project: Project, partition: str, spec: ConfigSet, start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """The features hook on the stored raw rows of the partition in [start, end) (None: unbounded), reading
    `lookback_hours` of rows before `start` for the windows."""
    tables = project.tables
    since = None if start is None else start - timedelta(hours=spec.data.lookback_hours)
    history = read_raw(conn, tables, partition, since, end)
    if history.empty:
        return history
    features = project.hooks.features(history, spec)
    return features if start is None else features.loc[features[tables.time] >= start]
