"""Every change of a version's role, each recorded as a model event: the gate's decision, live promotion or
retirement of a shadow, and the hand-made moves (promote, shadow, rollback, retention)."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from db_handler.runs import manual_run_id
from service.models import registry
from service.models.decisions import RecordedDecision
from service.models.events import ModelEvent, find_event, list_events, record_event
from service.models.mlflow_client import configure_mlflow, mlflow_call
from service.models.registry import CHAMPION, SHADOW, NoChampion

log = logging.getLogger(__name__)
ACTION_OF_ROLE = {"champion": "promote", "shadow": "shadow", "challenger": "reject"}


class RoleConflict(ValueError):
    """The move would leave a partition without a champion."""


def apply_decision(
    engine: Engine, decision: RecordedDecision, version: str, mlflow_run_id: str | None = None
) -> ModelEvent:
    """Give `version` the role the gate decided and record it, once: a retry that finds the event recorded returns
    it and moves nothing (the alias may have moved on since, by hand or by a later training)."""
    action = ACTION_OF_ROLE[decision.alias]
    done = find_event(engine, decision.project, decision.model_name, action, version, decision.run_id)
    if done is not None:
        return done
    registry.set_role(decision.model_name, decision.alias, version)
    return record_event(
        engine,
        ModelEvent(
            project=decision.project,
            model_name=decision.model_name,
            action=action,
            alias=decision.alias,
            from_version=decision.champion_before if decision.alias == CHAMPION else None,
            to_version=version,
            reason=decision.reason,
            metrics=decision.scores,
            run_id=decision.run_id,
            mlflow_run_id=mlflow_run_id,
        ),
    )


def promote_shadow(
    engine: Engine, project: str, name: str, reason: str, live: dict[str, Any], run_id: str
) -> ModelEvent:
    """The shadow earned its place on live data: it becomes champion; the event keeps the live numbers."""
    shadow, champion = registry.version_by_alias(name, SHADOW), registry.version_by_alias(name, CHAMPION)
    if shadow is None:
        raise LookupError(f"{name} has no shadow to promote")
    registry.set_role(name, CHAMPION, str(shadow.version))
    return record_event(
        engine,
        ModelEvent(
            project=project,
            model_name=name,
            action="promote",
            alias=CHAMPION,
            from_version=str(champion.version) if champion else None,
            to_version=str(shadow.version),
            reason=reason,
            metrics=live,
            run_id=run_id,
        ),
    )


def retire_shadow(
    engine: Engine, project: str, name: str, reason: str, live: dict[str, Any], run_id: str
) -> ModelEvent:
    """The shadow did not beat the champion on live data: it loses the alias and stops forecasting."""
    shadow = registry.version_by_alias(name, SHADOW)
    if shadow is None:
        raise LookupError(f"{name} has no shadow to retire")
    registry.clear_role(name, SHADOW)
    return record_event(
        engine,
        ModelEvent(
            project=project,
            model_name=name,
            action="retire",
            alias=SHADOW,
            from_version=str(shadow.version),
            to_version=str(shadow.version),
            reason=reason,
            metrics=live,
            run_id=run_id,
        ),
    )


def assign_by_hand(
    engine: Engine, project: str, name: str, version: str, role: str, reason: str, run_id: str | None = None
) -> ModelEvent:
    """Make `version` champion or shadow by hand (the REST API and the CLI use this); recorded like the gate's."""
    registry.get_version(name, version)  # fails clearly on an unknown version
    before = registry.version_by_alias(name, CHAMPION)
    if role == SHADOW and before is not None and str(before.version) == str(version):
        raise RoleConflict(f"{name} v{version} is the champion: put another version in shadow, or promote one first")
    registry.set_role(name, role, version)
    return record_event(
        engine,
        ModelEvent(
            project=project,
            model_name=name,
            action=ACTION_OF_ROLE[role],
            alias=role,
            from_version=str(before.version) if before and role == CHAMPION else None,
            to_version=str(version),
            reason=f"by hand: {reason}",
            run_id=run_id or manual_run_id(),
        ),
    )


def rollback(
    engine: Engine, project: str, name: str, reason: str = "manual rollback", run_id: str | None = None
) -> ModelEvent:
    """Champion back to the version it replaced (found in the promotion history), recorded."""
    current = registry.version_by_alias(name, CHAMPION)
    if current is None:
        raise NoChampion(f"registered model {name!r} has no champion to roll back")
    promotions = [
        event
        for event in list_events(engine, project, name, limit=10_000)
        if event["action"] == "promote" and event["to_version"] == str(current.version) and event["from_version"]
    ]
    if not promotions:
        raise LookupError(f"{name}: champion v{current.version} replaced no earlier champion; nothing to roll back to")
    target = promotions[0]["from_version"]
    registry.set_role(name, CHAMPION, target)
    return record_event(
        engine,
        ModelEvent(
            project=project,
            model_name=name,
            action="rollback",
            alias=CHAMPION,
            from_version=str(current.version),
            to_version=target,
            reason=reason,
            run_id=run_id or manual_run_id(),
        ),
    )


def apply_retention(engine: Engine, project: str, name: str, max_age_days: int, run_id: str | None = None) -> list[str]:
    """Delete versions older than `max_age_days` that hold no role; each deletion recorded. Returns versions."""
    client = configure_mlflow()
    cutoff = datetime.now(UTC) - timedelta(days=max_age_days)
    run_id = run_id or manual_run_id()
    held = set(registry.aliases(name).values())
    deleted = []
    for version in registry.all_versions(name):
        created = datetime.fromtimestamp(version.creation_timestamp / 1000, tz=UTC)
        if str(version.version) in held or created >= cutoff:
            continue
        with mlflow_call(f"{name} v{version.version}"):
            client.delete_model_version(name, version.version)
        deleted.append(str(version.version))
        record_event(
            engine,
            ModelEvent(
                project=project,
                model_name=name,
                action="delete",
                alias=None,
                from_version=None,
                to_version=str(version.version),
                reason=f"retention: older than {max_age_days} days and no role",
                run_id=run_id,
            ),
        )
    log.info("retention on %s deleted versions %s", name, deleted)
    return deleted
