"""Model events: who or what moved an alias, deleted a version, or refused a promotion, and why.

MLflow keeps only the current aliases; this table keeps the history (the audit trail, and what rollback
walks back through). Read oldest first, the events of a model form a chain: each move of an alias starts from the
version the previous events left holding it (`chain_breaks` checks that).
"""

import getpass
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from db_handler import ensure_schema, upsert
from db_handler.runs import manual_run_id
from db_handler.tables import model_events

ACTIONS = ("promote", "reject", "shadow", "retire", "rollback", "delete", "superseded")
SUPERSEDED = "superseded"  # a move refused because the alias no longer held the version the move expected


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


def insert_event(conn: Connection, event: ModelEvent) -> None:
    """Store `event` inside the caller's transaction, the one holding the model's lock while its alias moves
    (service.models.roles.locked_roles); idempotent on project, model, action, version and run id: a retried task
    records once."""
    upsert(
        conn,
        model_events,
        [asdict(event)],
        key=("project", "model_name", "action", "to_version", "run_id"),
        touch=("created_at", "actor"),
    )


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


def label(version: str | None) -> str:
    """How a message names a version, or its absence."""
    return f"v{version}" if version is not None else "no version"


def roles_after(held: dict[str, str], event: Mapping[str, Any]) -> dict[str, str]:
    """alias -> version after `event`, from alias -> version before it: a move gives its version the alias and
    takes any other role from it (one version, one role); `retire` clears the alias; `superseded` and `delete`
    move nothing."""
    alias, version = event["alias"], event["to_version"]
    if event["action"] in (SUPERSEDED, "delete") or alias is None:
        return held
    after = {role: holder for role, holder in held.items() if role != alias and holder != version}
    return after if event["action"] == "retire" else {**after, alias: version}


def chain_breaks(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Where the chain of role moves breaks, one sentence each (empty: consistent).

    `events`: model_events rows (dicts, e.g. from `list_events`, or `asdict(ModelEvent)`) of one model or several,
    their whole history OLDEST FIRST (`list(reversed(list_events(engine, project, limit=10_000)))`). Each event that
    names an alias must start (`from_version`, None for none) from the version the events before it left holding
    that alias, every alias empty at first: a move that started anywhere else was computed from a stale read."""
    held: dict[str, dict[str, str]] = {}
    breaks = []
    for event in events:
        name, alias, start = event["model_name"], event["alias"], event["from_version"]
        if alias is None or event["action"] == "delete":
            continue
        roles = held.get(name, {})
        if roles.get(alias) != start:
            breaks.append(
                f"{name}: {event['action']} of {alias!r} from {label(start)} to {label(event['to_version'])} (run "
                f"{event['run_id']}), but the events before it left {label(roles.get(alias))} holding {alias!r}"
            )
        held[name] = roles_after(roles, event)
    return breaks
