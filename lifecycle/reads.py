"""Reads of a project's tables as frames, by partition and time window, for any project (its Tables say which
columns to use). Timestamps come back as timezone-aware UTC, numbers as floats."""

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Double, Float, Table, and_, false, func, or_, select

from db_handler.types import UTCDateTime
from lifecycle.contract import Tables


def frame(conn: Connection, query) -> pd.DataFrame:
    """The rows of `query` as a frame with UTC timestamps and float numbers."""
    result = conn.execute(query)
    columns = list(result.keys())
    rows = pd.DataFrame([tuple(row) for row in result], columns=columns)
    for column in query.selected_columns:
        if isinstance(column.type, UTCDateTime):
            rows[column.name] = pd.to_datetime(rows[column.name], utc=True).astype("datetime64[us, UTC]")
        elif isinstance(column.type, Double | Float):
            rows[column.name] = rows[column.name].astype(float)
    return rows


def in_window(query, table: Table, tables: Tables, partition: str, time_column: str, start, end):
    """`query` restricted to one partition (when the project has partitions) and start <= time < end."""
    if tables.partition is not None:
        query = query.where(table.c[tables.partition] == partition)
    if start is not None:
        query = query.where(table.c[time_column] >= start)
    if end is not None:
        query = query.where(table.c[time_column] < end)
    return query


def read_raw(
    conn: Connection, tables: Tables, partition: str, start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Raw rows of a partition with start <= time < end, oldest first."""
    raw = tables.raw
    query = in_window(select(raw), raw, tables, partition, tables.time, start, end).order_by(raw.c[tables.time])
    return frame(conn, query)


def read_features(
    conn: Connection, tables: Tables, partition: str, start: datetime | None, end: datetime | None, columns: list[str]
) -> pd.DataFrame:
    """Feature rows of a partition (key columns and `columns`) with start <= time < end, oldest first."""
    features = tables.features
    keys = [column for column in features.primary_key.columns if column.name not in columns]
    time = [] if tables.time in [key.name for key in keys] else [features.c[tables.time]]
    query = select(*keys, *time, *(features.c[name] for name in columns))
    query = in_window(query, features, tables, partition, tables.time, start, end).order_by(features.c[tables.time])
    return frame(conn, query)


def read_dataset(
    conn: Connection, tables: Tables, partition: str, start: datetime | None, end: datetime, columns: list[str]
) -> pd.DataFrame:
    """Feature rows joined by key to the raw truth columns they are labelled from, oldest first."""
    features, raw = tables.features, tables.raw
    keys = [column.name for column in features.primary_key.columns]
    joined = features.join(raw, and_(*(features.c[key] == raw.c[key] for key in keys)))
    time = [] if tables.time in keys else [features.c[tables.time]]
    query = select(
        *(features.c[key] for key in keys),
        *time,
        *(raw.c[name] for name in tables.truth),
        *(features.c[name] for name in columns),
    ).select_from(joined)
    query = in_window(query, features, tables, partition, tables.time, start, end).order_by(features.c[tables.time])
    return frame(conn, query)


def read_predictions(
    conn: Connection,
    tables: Tables,
    partition: str,
    start: datetime,
    end: datetime,
    made_by: list[tuple[str, str]],
) -> pd.DataFrame:
    """Forecasts with prediction_time in [start, end) made by each (role, model version) of `made_by`."""
    predictions = tables.predictions
    by_role = [(predictions.c.role == role) & (predictions.c.model_version == version) for role, version in made_by]
    query = select(predictions).where(or_(false(), *by_role))
    query = in_window(query, predictions, tables, partition, tables.prediction_time, start, end)
    return frame(conn, query.order_by(predictions.c[tables.prediction_time]))


def newest(conn: Connection, tables: Tables, table: Table, time_column: str, partition: str) -> datetime | None:
    """The newest value of `time_column` in `table` for the partition, None when it has no rows."""
    query = in_window(select(func.max(table.c[time_column])), table, tables, partition, time_column, None, None)
    return conn.execute(query).scalar_one()
