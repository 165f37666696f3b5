"""Monitoring rows of a project (one per partition and window end), as the API and the dashboard show them."""

from sqlalchemy import Connection, Select, func, select

from lifecycle.contract import SINGLE_PARTITION
from lifecycle.records import project_engine
from service.api.catalog import KnownProject
from service.api.reads.paging import fetch_page
from service.api.schemas import (
    LatestDecision,
    LiveMetrics,
    MonitoringPage,
    MonitoringRow,
    MonitoringSummary,
    ShadowTrial,
)

CHART_ROWS = 1000  # the newest rows a chart draws (six weeks of hourly windows)


def monitoring_page(known: KnownProject, partition: str | None, limit: int, offset: int) -> MonitoringPage:
    """Newest first, of one partition or all; the summary counts every row of the same selection."""
    table = known.project.tables.monitoring
    with project_engine(known.project).connect() as conn:
        query = _of(known, select(table), partition).order_by(table.c.window_end.desc())
        rows, total = fetch_page(conn, query, limit, offset)
        counts = _of(known, select(table.c.decision, func.count()), partition).group_by(table.c.decision)
        retrains = _of(known, select(func.count()).where(table.c.retrain_requested), partition)
        summary = MonitoringSummary(
            decisions=dict(conn.execute(counts).all()),
            retrains_requested=conn.execute(retrains).scalar_one(),
            latest={
                row.partition: LatestDecision.model_validate(row, from_attributes=True)
                for row in _latest(conn, known)
                if partition in (None, row.partition)
            },
        )
        items = _described(conn, known, rows)
    return MonitoringPage(items=items, total=total, limit=limit, offset=offset, summary=summary)


def latest(known: KnownProject) -> list[MonitoringRow]:
    """The newest row of each partition that has one."""
    with project_engine(known.project).connect() as conn:
        return _latest(conn, known)


def chart_rows(known: KnownProject, partition: str) -> list[MonitoringRow]:
    """The partition's newest CHART_ROWS rows, oldest first."""
    table = known.project.tables.monitoring
    query = _of(known, select(table), partition).order_by(table.c.window_end.desc()).limit(CHART_ROWS)
    with project_engine(known.project).connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
        return _described(conn, known, rows[::-1])


def _latest(conn: Connection, known: KnownProject) -> list[MonitoringRow]:
    table, column = known.project.tables.monitoring, known.project.tables.partition
    keys = [table.c[column]] if column else []
    newest = select(*keys, func.max(table.c.window_end).label("window_end")).group_by(*keys).subquery()
    joined = table.c.window_end == newest.c.window_end
    if column:
        joined &= table.c[column] == newest.c[column]
    rows = [dict(row) for row in conn.execute(select(table).join(newest, joined)).mappings()]
    return sorted(_described(conn, known, rows), key=lambda row: row.partition)


def _described(conn: Connection, known: KnownProject, rows: list[dict]) -> list[MonitoringRow]:
    """Rows of the monitoring table as MonitoringRow, each with the shadow trial its run judged (kept in its
    metrics)."""
    column = known.project.tables.partition
    described = []
    for row in rows:
        partition = row.pop(column) if column else SINGLE_PARTITION
        metrics, drift = row.pop("metrics") or {}, row.pop("drift") or {}
        trial = metrics.pop("shadow", None)
        described.append(
            MonitoringRow(
                **row,
                partition=partition,
                metrics=LiveMetrics(**metrics),
                drift=drift,
                shadow_trial=ShadowTrial(**trial) if trial else None,
            )
        )
    return described


def _of(known: KnownProject, query: Select, partition: str | None) -> Select:
    """`query` restricted to one partition, when one is asked for and the project has partitions."""
    column = known.project.tables.partition
    if partition is None or column is None:
        return query
    return query.where(known.project.tables.monitoring.c[column] == partition)
