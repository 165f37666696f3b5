"""Every change of a version's role, each recorded as a model event: the gate's decision, live promotion or
retirement of a shadow, and the hand-made moves (promote, shadow, rollback, retention).

Every move is a compare-and-set (`move_role`): it names the version it expects the alias to hold (for the gate, the
champion it judged against), and when another holds it now the move does not happen and a `superseded` event says
so. MLflow has no compare-and-set of its own, so each read-compare-write of a model's aliases runs under that
model's PostgreSQL lock (`locked_roles`), with its event recorded in the same transaction: the events of an alias
form one chain, each move starting where the previous one ended.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from db_handler import ensure_schema
from db_handler.locks import hold_lock
from db_handler.runs import manual_run_id, trainings_running
from messenger.delivery import notify
from messenger.messages import held_back_alert
from service.models import registry
from service.models.decisions import RecordedDecision
from service.models.events import (
    SUPERSEDED,
    ModelEvent,
    find_event,
    insert_event,
    label,
    list_events,
    roles_after,
)
from service.models.mlflow_client import RegistryUnavailable, configure_mlflow, mlflow_call
from service.models.registry import CHALLENGER, CHAMPION, SHADOW, NoChampion, NoSuchVersion

log = logging.getLogger(__name__)
ACTION_OF_ROLE = {"champion": "promote", "shadow": "shadow", "challenger": "reject"}
ROLLBACK_DEPTH = 3  # how many champions back retention keeps, so that many rollbacks in a row still work


class RoleConflict(ValueError):
    """The move would leave a partition without a champion."""


class Superseded(RuntimeError):
    """A move by hand named the version it expected to replace, and another held the role: nothing moved (the
    `superseded` event is recorded)."""


class NoRollbackTarget(LookupError):
    """The champion replaced no earlier champion, or the version it replaced is no longer in the registry."""


@contextmanager
def locked_roles(engine: Engine, name: str) -> Iterator[tuple[Connection, dict[str, str]]]:
    """(a transaction holding `name`'s lock, its aliases read under that lock); the lock lasts until the block
    ends and its transaction commits, so moves of one model's aliases, and their events, happen one at a time."""
    ensure_schema(engine)
    with engine.begin() as conn:
        hold_lock(conn, f"model roles of {name}")
        yield conn, registry.aliases(name)


def move_role(
    conn: Connection,
    held: dict[str, str],
    move: ModelEvent,
    expected: dict[str, str | None],
    data_until: datetime | None = None,
) -> ModelEvent:
    """Compare-and-set, inside `locked_roles`: when every alias in `expected` still holds the version named there
    (None: no version), give `move.to_version` the role `move.alias` (a `retire` clears it), record `move` as
    starting from the version that held the alias, and update `held`. Otherwise move nothing and record (and
    return) a `superseded` event from the version actually holding the alias, naming the expected one; the same
    when `data_until` (the end of a training's data) is older than the data the champion has seen."""
    moved = [(alias, held.get(alias)) for alias, version in expected.items() if held.get(alias) != version]
    if moved:
        alias, holder = moved[0]
        why = f"expected {alias} {label(expected[alias])}, but {label(holder)} holds it (moved since)"
        return _refuse(conn, move, alias, holder, why)
    newer = _newer_than(held.get(CHAMPION), move.model_name, data_until) if data_until else None
    if newer is not None:
        return _refuse(conn, move, CHAMPION, held.get(CHAMPION), newer)
    event = replace(move, from_version=held.get(move.alias), created_at=datetime.now(UTC))  # stamped under the lock
    insert_event(conn, event)  # first: if MLflow fails, the transaction rolls the event back
    if event.action == "retire":
        registry.clear_role(event.model_name, event.alias)
    else:
        registry.set_role(event.model_name, event.alias, event.to_version)
    after = roles_after(held, asdict(event))
    held.clear()
    held.update(after)
    return event


def _refuse(conn: Connection, move: ModelEvent, alias: str, holder: str | None, why: str) -> ModelEvent:
    """Record (and return) the `superseded` event of `move`, refused because `why`: from the version holding
    `alias`, which stays where it is."""
    event = replace(
        move,
        action=SUPERSEDED,
        alias=alias,
        from_version=holder,
        created_at=datetime.now(UTC),
        reason=f"superseded: {move.action} of v{move.to_version} {why}; nothing moved. The move's reason: {move.reason}",
    )
    insert_event(conn, event)
    return event


def apply_decision(
    engine: Engine, decision: RecordedDecision, version: str, end: datetime, mlflow_run_id: str | None = None
) -> ModelEvent:
    """Give `version` (of a run ending at `end`) the role the gate decided, if the champion is still the one the
    gate judged against (`champion_before`) and has not seen data after `end` since (a gate that kept it); else the
    move is `superseded` (the returned event) and `version` becomes `challenger`. Once: a retry that finds this
    run's event returns it and moves nothing (the alias may have moved on since)."""
    action = ACTION_OF_ROLE[decision.alias]
    with locked_roles(engine, decision.model_name) as (conn, held):
        for recorded in (action, SUPERSEDED):
            done = find_event(engine, decision.project, decision.model_name, recorded, version, decision.run_id)
            if done is not None:
                return done
        move = ModelEvent(
            project=decision.project,
            model_name=decision.model_name,
            action=action,
            alias=decision.alias,
            from_version=None,
            to_version=version,
            reason=decision.reason,
            metrics=decision.scores,
            run_id=decision.run_id,
            mlflow_run_id=mlflow_run_id,
        )
        premise = {} if decision.alias == CHALLENGER else {CHAMPION: decision.champion_before}
        event = move_role(conn, held, move, premise, data_until=end if premise else None)
        if event.action == SUPERSEDED:
            as_challenger = replace(move, action=ACTION_OF_ROLE[CHALLENGER], alias=CHALLENGER, reason=event.reason)
            move_role(conn, held, as_challenger, {})
        return event


def _newer_than(champion: str | None, name: str, end: datetime) -> str | None:
    """Why `champion` may not be demoted by a training ending at `end` (it has seen later data: a gate kept it on a
    later window after this training's gate), or None."""
    seen = registry.seen_until(registry.get_version(name, champion)) if champion else None
    if seen is None or end >= seen:
        return None
    return (
        f"would demote champion v{champion}, which has seen data up to {seen:%Y-%m-%d %H:%M}, after this run's end "
        f"{end:%Y-%m-%d %H:%M} (stale)"
    )


def promote_shadow(
    engine: Engine, project: str, name: str, reason: str, live: dict[str, Any], run_id: str, champion: str, shadow: str
) -> ModelEvent:
    """The shadow earned its place on live data: it becomes champion, unless `champion` or `shadow` (the pair
    monitoring judged) lost its role since (`superseded`). The event keeps the live numbers."""
    return _live_verdict(engine, _move(project, name, "promote", CHAMPION, shadow, reason, run_id, live), champion)


def retire_shadow(
    engine: Engine, project: str, name: str, reason: str, live: dict[str, Any], run_id: str, champion: str, shadow: str
) -> ModelEvent:
    """The shadow did not beat the champion on live data: it loses the alias and stops forecasting (unless the
    pair monitoring judged changed since: `superseded`)."""
    return _live_verdict(engine, _move(project, name, "retire", SHADOW, shadow, reason, run_id, live), champion)


def _live_verdict(engine: Engine, move: ModelEvent, champion: str) -> ModelEvent:
    """`move` of the shadow, if it and the champion are still the pair monitoring judged."""
    with locked_roles(engine, move.model_name) as (conn, held):
        return move_role(conn, held, move, {CHAMPION: champion, SHADOW: move.to_version})


def assign_by_hand(
    engine: Engine,
    project: str,
    name: str,
    version: str,
    role: str,
    reason: str,
    run_id: str | None = None,
    expected: str | None = None,
) -> ModelEvent:
    """Make `version` champion or shadow by hand (the REST API and the CLI use this); recorded like the gate's.
    `expected`: the version the caller believes holds the role (Superseded when another does); None: any."""
    registry.get_version(name, version)  # NoSuchVersion on an unknown version
    with locked_roles(engine, name) as (conn, held):
        if role == SHADOW and held.get(CHAMPION) == str(version):
            raise RoleConflict(
                f"{name} v{version} is the champion: put another version in shadow, or promote one first"
            )
        move = _move(project, name, ACTION_OF_ROLE[role], role, str(version), f"by hand: {reason}", run_id)
        event = move_role(conn, held, move, _expecting(role, expected))
    return _done_by_hand(engine, event)


def rollback(
    engine: Engine,
    project: str,
    name: str,
    reason: str = "manual rollback",
    run_id: str | None = None,
    expected: str | None = None,
) -> ModelEvent:
    """Champion back to the version it replaced (its latest promotion's `from_version`), recorded. NoRollbackTarget
    when it replaced none, or that version was deleted; `expected` as for `assign_by_hand`."""
    with locked_roles(engine, name) as (conn, held):
        current = held.get(CHAMPION)
        if current is None:
            raise NoChampion(f"registered model {name!r} has no champion to roll back")
        targets = rollback_targets(list_events(engine, project, name, limit=10_000), current, depth=1)
        if not targets:
            raise NoRollbackTarget(f"{name}: champion v{current} replaced no earlier champion; nothing to roll back to")
        try:
            registry.get_version(name, targets[0])
        except NoSuchVersion:
            raise NoRollbackTarget(
                f"{name}: v{targets[0]}, the version champion v{current} replaced, is no longer in the registry "
                "(deleted); promote a version by hand instead"
            ) from None
        move = _move(project, name, "rollback", CHAMPION, targets[0], reason, run_id)
        event = move_role(conn, held, move, _expecting(CHAMPION, expected))
    return _done_by_hand(engine, event)


def rollback_targets(events: list[dict], champion: str | None, depth: int) -> list[str]:
    """The versions `depth` rollbacks in a row would return to, from `champion` on (`events` newest first): each
    time, the version that the latest promotion of the current one replaced."""
    targets, current = [], champion
    while len(targets) < depth:
        current = next(
            (
                event["from_version"]
                for event in events
                if event["action"] == "promote" and event["to_version"] == current and event["from_version"]
            ),
            None,
        )
        if current is None or current == champion or current in targets:
            break
        targets.append(current)
    return targets


def apply_retention(
    engine: Engine,
    project: str,
    name: str,
    max_age_days: int,
    keep_rollback: int = ROLLBACK_DEPTH,
    dry_run: bool = False,
    run_id: str | None = None,
) -> list[str]:
    """Delete the versions older than `max_age_days` that hold no role, that none of `keep_rollback` rollbacks in
    a row would return to, and that no training still in flight registered; each deletion recorded. Returns the versions deleted (with `dry_run`: that would
    be, and nothing is deleted)."""
    cutoff = datetime.now(UTC) - timedelta(days=max_age_days)
    with locked_roles(engine, name) as (conn, held):
        events = list_events(engine, project, name, limit=10_000)
        kept = {*held.values(), *rollback_targets(events, held.get(CHAMPION), keep_rollback)}
        training = trainings_running(conn, project, name)  # a version they registered may not have its role yet
        doomed = [
            str(version.version)
            for version in registry.all_versions(name)
            if str(version.version) not in kept
            and version.tags.get("airflow_run_id") not in training
            and datetime.fromtimestamp(version.creation_timestamp / 1000, tz=UTC) < cutoff
        ]
        if dry_run:
            return doomed
        deleted, failure = _delete_versions(conn, project, name, doomed, max_age_days, keep_rollback, run_id)
    log.info("retention on %s deleted versions %s", name, deleted)
    if failure is not None:  # raised once the deletions before it are recorded
        raise failure
    return deleted


def _delete_versions(conn, project, name, versions, max_age_days, keep_rollback, run_id):
    """(the versions deleted, each with its event, and the registry's failure that stopped the rest, if any)."""
    client, run_id, deleted = configure_mlflow(), run_id or manual_run_id(), []  # one run id for all
    reason = (
        f"retention: older than {max_age_days} days, no role, and not among the {keep_rollback} versions "
        "rollback would return to"
    )
    for version in versions:
        try:
            with mlflow_call(f"{name} v{version}"):
                client.delete_model_version(name, version)
        except RegistryUnavailable as error:
            return deleted, error
        insert_event(conn, _move(project, name, "delete", None, version, reason, run_id))
        deleted.append(version)
    return deleted, None


def _move(project, name, action, alias, version, reason, run_id, metrics=None) -> ModelEvent:
    """The event of a move of `alias` to `version` (its `from_version` is filled in under the lock)."""
    return ModelEvent(
        project=project,
        model_name=name,
        action=action,
        alias=alias,
        from_version=None,
        to_version=version,
        reason=reason,
        metrics=metrics,
        run_id=run_id or manual_run_id(),
    )


def _expecting(role: str, expected: str | None) -> dict[str, str | None]:
    return {role: str(expected)} if expected is not None else {}


def _done_by_hand(engine: Engine, event: ModelEvent) -> ModelEvent:
    """The move's event; Superseded (after it is recorded, and Slack told) when the role had moved from the expected
    version."""
    if event.action == SUPERSEDED:
        alert = held_back_alert(
            event.project, event.model_name, SUPERSEDED, event.to_version, event.reason, event.run_id
        )
        notify(alert, engine)
        raise Superseded(event.reason.removeprefix(f"{SUPERSEDED}: "))  # the class name says it already
    return event
