"""What happened to a project's models and who was told: model events and alerts, and when each event happened
on the data's own time axis (what the dashboard's charts draw on)."""

from datetime import datetime

from sqlalchemy import select

from compose.secrets import scrub
from db_handler.tables import alerts, model_events, trainings
from lifecycle.records import project_engine
from service.api.catalog import KnownProject
from service.api.reads.paging import fetch_page
from service.api.schemas import Alert, ModelEvent, MonitoringRow, Page
from service.models.events import ModelEvent as PlatformEvent


def events_page(known: KnownProject, partition: str | None, limit: int, offset: int) -> Page[ModelEvent]:
    """Newest first, of one partition's model or of all the project's."""
    query = select(model_events).where(model_events.c.project == known.name)
    if partition is not None:
        query = query.where(model_events.c.model_name == known.model_name(partition))
    query = query.order_by(model_events.c.created_at.desc(), model_events.c.id.desc())
    with project_engine(known.project).connect() as conn:
        rows, total = fetch_page(conn, query, limit, offset)
    return Page[ModelEvent](items=rows, total=total, limit=limit, offset=offset)


def recorded(known: KnownProject, event: PlatformEvent) -> ModelEvent:
    """The stored row of an event just recorded (found by its natural key), with its id."""
    natural_key = ("project", "model_name", "action", "to_version", "run_id")
    query = select(model_events).filter_by(**{column: getattr(event, column) for column in natural_key})
    with project_engine(known.project).connect() as conn:
        return ModelEvent(**conn.execute(query).mappings().one())


def alerts_page(known: KnownProject, limit: int, offset: int) -> Page[Alert]:
    """Newest first; delivery errors scrubbed of secrets (as recorded by an older version)."""
    query = (
        select(alerts).where(alerts.c.project == known.name).order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
    )
    with project_engine(known.project).connect() as conn:
        rows, total = fetch_page(conn, query, limit, offset)
    items = [
        Alert(**{**row, "title": scrub(row["title"]), "error": scrub(row["error"]) if row["error"] else None})
        for row in rows
    ]
    return Page[Alert](items=items, total=total, limit=limit, offset=offset)


def data_times(
    known: KnownProject, partition: str, events: list[ModelEvent], rows: list[MonitoringRow]
) -> list[datetime | None]:
    """For each event, the data time it belongs to (None when it cannot be told): the end of the training's window
    for the gate's moves, the window end of the monitoring run for a shadow's promotion or retirement, and for
    moves by hand the newest window monitored before it. `rows`: the partition's monitoring rows, oldest first."""
    query = select(trainings.c.run_id, trainings.c.window_end).where(
        trainings.c.project == known.name, trainings.c.model_name == known.model_name(partition)
    )
    with project_engine(known.project).connect() as conn:
        by_run: dict[str, datetime] = dict(conn.execute(query).all())
    by_run.update({row.airflow_run_id: row.window_end for row in rows})
    return [by_run.get(event.run_id) or _monitored_before(rows, event.created_at) for event in events]


def _monitored_before(rows: list[MonitoringRow], moment: datetime) -> datetime | None:
    earlier = [row.window_end for row in rows if row.created_at <= moment]
    return earlier[-1] if earlier else None
