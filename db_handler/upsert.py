"""Idempotent writes: insert new rows, update changed ones, leave identical ones untouched; and, before a write,
which stored values it would overwrite."""

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, column, or_, select, table, text
from sqlalchemy.dialects import postgresql, sqlite

from db_handler.types import UTCDateTime


@dataclass(frozen=True)
class UpsertResult:
    written: int
    unchanged: int

    def __add__(self, other: "UpsertResult") -> "UpsertResult":
        return UpsertResult(self.written + other.written, self.unchanged + other.unchanged)


@dataclass(frozen=True)
class Change:
    """One stored value a write would overwrite: the row's key, the column, the stored and the new value."""

    key: dict[str, Any]
    column: str
    stored: Any
    new: Any

    def __str__(self) -> str:
        where = " ".join(f"{name}={_plain(value)}" for name, value in self.key.items())
        return f"{where} column {self.column!r}: stored {_plain(self.stored)!r}, new {_plain(self.new)!r}"


@dataclass(frozen=True)
class Comparison:
    """How rows compare with the stored rows of the same key."""

    written: pd.Series  # per row (the rows' index): True when an upsert would write it (new, or a value differs)
    changes: list[Change]  # every stored value that differs, row by row in the rows' order


def compare_stored(
    conn: Connection, target: Table, rows: pd.DataFrame, key: Sequence[str], touch: Sequence[str] = ()
) -> Comparison:
    """Compare `rows` with what `target` stores under their keys, as `upsert` with the same `key` and `touch`
    would: which rows it would write, and each stored value it would overwrite (new rows change no value)."""
    if rows.empty:
        return Comparison(written=pd.Series(False, index=rows.index), changes=[])
    rows = _utc_times(rows, target)
    compared = [name for name in rows.columns if name not in key and name not in touch]
    stored = _stored_rows(conn, target, rows[list(key)], [*key, *compared])
    stored = stored.astype({name: rows[name].dtype for name in stored.columns}).rename(
        columns={name: f"{name} stored" for name in compared}
    )
    joined = rows[[*key, *compared]].merge(stored, on=list(key), how="left", indicator=True).set_axis(rows.index)
    new = joined["_merge"] == "left_only"
    differs = pd.DataFrame(
        {name: ~new & _distinct(joined[name], joined[f"{name} stored"]) for name in compared}, index=rows.index
    )
    changes = [
        Change(
            {name: joined.at[index, name] for name in key},
            name,
            joined.at[index, f"{name} stored"],
            joined.at[index, name],
        )
        for index, columns in differs.loc[differs.any(axis=1)].iterrows()
        for name in columns.index[columns]
    ]
    return Comparison(written=new | differs.any(axis=1), changes=changes)


def upsert(
    conn: Connection,
    target: Table,
    rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    key: Sequence[str],
    touch: Sequence[str] = (),
) -> UpsertResult:
    """Upsert `rows` into `target` on its natural `key`, inside the caller's transaction.

    A row whose values equal the stored row is not rewritten, so re-running an interval changes nothing and
    reports every row as unchanged. `touch` columns (e.g. ingested_at) are written on insert and on a real
    change but never compared. A DataFrame bound for PostgreSQL goes through COPY into a temporary table and
    one INSERT .. SELECT .. ON CONFLICT (the bulk path); anything else through executemany of
    INSERT .. ON CONFLICT, which PostgreSQL and SQLite both understand.
    """
    if isinstance(rows, pd.DataFrame):
        frame = _utc_times(rows, target)
        columns, count = list(frame.columns), len(frame)
    else:
        records = [{name: _none_if_nan(value) for name, value in row.items()} for row in rows]
        columns, count = (list(records[0]) if records else []), len(records)
    if count == 0:
        return UpsertResult(0, 0)

    compared = [name for name in columns if name not in key and name not in touch]
    dialect = conn.dialect.name
    if dialect == "postgresql" and isinstance(rows, pd.DataFrame):
        written = _copy_then_upsert(conn, target, frame, key, compared)
    elif dialect in ("postgresql", "sqlite"):
        if isinstance(rows, pd.DataFrame):
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](target)
        written = _execute_counting(conn, _on_conflict(insert, target, columns, key, compared), records)
    else:
        raise NotImplementedError(f"upsert supports postgresql and sqlite, not {dialect}")
    return UpsertResult(written=written, unchanged=count - written)


def insert_once(conn: Connection, target: Table, row: Mapping[str, Any]) -> bool:
    """Insert `row` unless a row with its key exists (the first writer wins); True when this call inserted it."""
    dialect = conn.dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"insert_once supports postgresql and sqlite, not {dialect}")
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](target)
    return _execute_counting(conn, insert.values(**row).on_conflict_do_nothing()) == 1


def _on_conflict(insert, target: Table, columns: list[str], key: Sequence[str], compared: list[str]):
    """ON CONFLICT (key) DO UPDATE the non-key columns WHERE any compared column differs."""
    return insert.on_conflict_do_update(
        index_elements=[target.c[name] for name in key],
        set_={name: insert.excluded[name] for name in columns if name not in key},
        where=or_(*(target.c[name].is_distinct_from(insert.excluded[name]) for name in compared)),
    )


def _execute_counting(conn: Connection, statement, parameters=None) -> int:
    """Rows inserted or updated (the database does not count rows the WHERE clause left alone)."""
    return conn.execute(statement, parameters, execution_options={"preserve_rowcount": True}).rowcount


def _copy_then_upsert(conn: Connection, target: Table, frame: pd.DataFrame, key, compared) -> int:
    stage_name = f"stage_{target.name}_{uuid.uuid4().hex[:8]}"
    quoted = ", ".join(f'"{name}"' for name in frame.columns)
    conn.execute(text(f'CREATE TEMP TABLE "{stage_name}" AS SELECT {quoted} FROM "{target.name}" WITH NO DATA'))
    type_oids = (
        conn.execute(
            text(
                "SELECT atttypid FROM pg_attribute WHERE attrelid = CAST(:name AS regclass) AND attnum > 0 ORDER BY attnum"
            ),
            {"name": stage_name},
        )
        .scalars()
        .all()
    )
    driver_cursor = conn.connection.driver_connection.cursor()
    with driver_cursor.copy(f'COPY "{stage_name}" ({quoted}) FROM STDIN WITH (FORMAT binary)') as copy:
        copy.set_types(type_oids)
        for row in zip(*(_python_values(frame[name]) for name in frame.columns)):
            copy.write_row(row)
    stage = table(stage_name, *(column(name) for name in frame.columns))
    insert = postgresql.insert(target).from_select(list(frame.columns), select(*stage.c))
    written = _execute_counting(conn, _on_conflict(insert, target, list(frame.columns), key, compared))
    conn.execute(text(f'DROP TABLE "{stage_name}"'))
    return written


def _stored_rows(conn: Connection, target: Table, keys: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of the stored rows whose key lies within `keys` (a frame of key columns): numbers and times between
    their least and greatest value, anything else among its values. One range scan of the primary key, where a list
    of composite keys would be one index probe each; the caller matches the keys exactly."""
    bounds = []
    for name in keys.columns:
        values = keys[name]
        if pd.api.types.is_numeric_dtype(values) or isinstance(values.dtype, pd.DatetimeTZDtype):
            bounds.append(target.c[name].between(_python(values.min()), _python(values.max())))
        else:  # text compares by the database's collation, not Python's: no bounds from Python's order
            bounds.append(target.c[name].in_([_python(value) for value in values.unique()]))
    stored = pd.DataFrame(
        [tuple(row) for row in conn.execute(select(*(target.c[name] for name in columns)).where(*bounds))],
        columns=columns,
    )
    for name in columns:
        if isinstance(target.c[name].type, UTCDateTime):
            stored[name] = pd.to_datetime(stored[name], utc=True)
    return stored


def _distinct(values: pd.Series, others: pd.Series) -> pd.Series:
    """IS DISTINCT FROM, element-wise: values differ, and a missing value equals only another missing one."""
    return values.ne(others) & (values.notna() | others.notna())


def _plain(value: Any) -> Any:
    """A value as a message shows it: times in ISO 8601, numpy scalars as Python's."""
    return value.isoformat() if isinstance(value, datetime) else _python(value)


def _python(value: Any) -> Any:
    """A numpy scalar as the Python value a database driver takes."""
    return value.item() if isinstance(value, np.generic) else value


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _python_values(values: pd.Series) -> list:
    """A column as Python values, missing ones (NaN, NaT, None) as None."""
    missing = values.isna()
    return values.astype(object).where(~missing, None).tolist() if missing.any() else values.tolist()


def _utc_times(frame: pd.DataFrame, target: Table) -> pd.DataFrame:
    """UTCDateTime columns checked and converted for the whole column at once (naive times are refused)."""
    converted = {}
    for name in frame.columns:
        if isinstance(target.c[name].type, UTCDateTime):
            if not isinstance(frame[name].dtype, pd.DatetimeTZDtype):
                raise ValueError(f"{target.name}.{name}: naive or non-datetime values; pass timezone-aware UTC times")
            converted[name] = frame[name].dt.tz_convert("UTC")
    return frame.assign(**converted) if converted else frame
