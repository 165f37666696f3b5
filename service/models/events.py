"""Model events: who or what moved an alias, deleted a version, or refused a promotion, and why.

MLflow keeps only the current aliases; this table keeps the history (the audit trail, and what rollback
walks back through).
"""

import getpass
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from db_handler import ensure_schema, upsert
from db_handler.runs import manual_run_id
from db_handler.tables import model_events

ACTIONS = ("promote", "reject", "shadow", "retire", "rollback", "delete")


@dataclass(frozen=True)
class ModelEvent:
    project: str
    model_name: str
    action: str
    to_version: str | None
    from_version: str | None
    reason: str
    alias: str | None = None
    metrics: dict[str, Any] | None = None
    run_id: str = field(default_factory=manual_run_id)  # Airflow run id, or a manual__ id outside Airflow
    mlflow_run_id: str | None = None
    actor: str = field(default_factory=lambda: os.environ.get("AIRFLOW_CTX_DAG_OWNER") or getpass.getuser())
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown model event action {self.action!r}; one of {ACTIONS}")


def record_event(engine: Engine, event: ModelEvent) -> ModelEvent:
    """Store `event` (idempotent on project, model, action, version and run id: a retried task records once)."""
    ensure_schema(engine)
    with engine.begin() as conn:
        upsert(
            conn,
            model_events,
            [asdict(event)],
            key=("project", "model_name", "action", "to_version", "run_id"),
            touch=("created_at", "actor"),
        )
    return event


def find_event(
    engine: Engine, project: str, model_name: str, action: str, to_version: str, run_id: str
) -> ModelEvent | None:
    """The event recorded under its natural key, if any (what a retried task looks up before acting again)."""
    ensure_schema(engine)
    query = select(model_events).where(
        model_events.c.project == project,
        model_events.c.model_name == model_name,
        model_events.c.action == action,
        model_events.c.to_version == to_version,
        model_events.c.run_id == run_id,
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    return ModelEvent(**{name: row._mapping[name] for name in ModelEvent.__dataclass_fields__}) if row else None


def list_events(engine: Engine, project: str, model_name: str | None = None, limit: int = 100) -> list[dict]:
    """Newest first."""
    ensure_schema(engine)
    query = select(model_events).where(model_events.c.project == project)
    if model_name:
        query = query.where(model_events.c.model_name == model_name)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(model_events.c.created_at.desc(), model_events.c.id.desc()).limit(limit))
        return [dict(row._mapping) for row in rows]
