"""What must hold however trainings, people, retention, backfills and corrections overlap. Each check reads the real
stores (the results database, the MLflow registry) and returns human-readable violations, empty when all is well.

    roles            one champion per registered model with versions, no version in two roles, no alias on a
                     version the registry no longer has (MLflow drops an alias with its version: the role vanishes)
    champion_chain   every role move starts where the previous one ended, and the champion's last move ends at
                     the registry's champion
    stale_demotions  no training replaced a champion fitted on data newer than the training's window
    rollback_target  the version a rollback would return to still exists
    features         every stored feature row equals a recompute from all the partition's stored raw rows
"""

from datetime import datetime

from sqlalchemy import Engine, select

from compose.config import ConfigSet
from db_handler.tables import gate_decisions, model_events, trainings
from lifecycle.contract import Project
from lifecycle.records import utc
from lifecycle.stages.data import feature_drift_from_recompute
from service.models import registry
from service.models.events import chain_breaks, list_events
from service.models.registry import CHAMPION

CHAMPION_MOVES = ("promote", "rollback")  # the actions that move the champion alias (a superseded move moves nothing)
SHOWN = 5  # differing timestamps named per feature violation


def check_all(engine: Engine, project: Project, spec: ConfigSet, partitions: list[str]) -> dict[str, list[str]]:
    """Every check on every partition: `check partition` -> its violations."""
    results = {}
    for partition in partitions:
        name = project.model_name(partition)
        results[f"roles {partition}"] = roles(name)
        results[f"champion_chain {partition}"] = champion_chain(engine, project.name, name)
        results[f"stale_demotions {partition}"] = stale_demotions(engine, project.name, name)
        results[f"rollback_target {partition}"] = rollback_target(engine, project.name, name)
        results[f"features {partition}"] = features(engine, project, spec, partition)
    return results


def roles(name: str) -> list[str]:
    """(a) One champion when the model has versions; each alias on an existing version; one role per version."""
    versions = {str(version.version) for version in registry.all_versions(name)}
    if not versions:  # not registered yet, or every version deleted: no role either way
        return []
    held = registry.aliases(name)
    problems = []
    if CHAMPION not in held:
        problems.append(f"{name}: versions {sorted(versions, key=int)} but no champion")
    for alias, version in held.items():
        if version not in versions:
            problems.append(f"{name}: {alias} on v{version}, which does not exist")
    for version in sorted(set(held.values()), key=int):
        its_roles = sorted(alias for alias, holder in held.items() if holder == version)
        if len(its_roles) > 1:
            problems.append(f"{name}: v{version} holds {len(its_roles)} roles {its_roles}")
    return problems


def champion_chain(engine: Engine, project: str, name: str) -> list[str]:
    """(b) Each role move starts where the previous one ended (`chain_breaks`), and the last champion move ends at
    the registry's champion."""
    problems = chain_breaks(reversed(list_events(engine, project, name, limit=1_000_000)))
    moves = champion_moves(engine, project, name)
    champion = registry.version_by_alias(name, CHAMPION)
    served, recorded = (str(champion.version) if champion else None), (moves[-1]["to_version"] if moves else None)
    if served != recorded:
        problems.append(f"{name}: the registry's champion is v{served}, the events' last move ends at v{recorded}")
    return problems


def stale_demotions(engine: Engine, project: str, name: str) -> list[str]:
    """(c) No champion move by a training whose window ends before the fit end of the champion it replaced (the
    version the previous move left the alias on)."""
    moves = champion_moves(engine, project, name)
    ends = training_ends(engine, project, name)
    fitted = fit_ends(engine, project, name)
    problems = []
    for before, move in zip(moves, moves[1:]):
        replaced = before["to_version"]
        end, replaced_end = ends.get(move["run_id"]), fitted.get(replaced)
        if end is not None and replaced_end is not None and end < replaced_end:
            problems.append(
                f"{name}: training {move['run_id']} (window end {end.isoformat()}) replaced champion v{replaced} "
                f"(fitted up to {replaced_end.isoformat()}) with v{move['to_version']}"
            )
    return problems


def rollback_target(engine: Engine, project: str, name: str) -> list[str]:
    """(e) The version the champion replaced when it was last promoted (where a rollback goes) still exists."""
    champion = registry.version_by_alias(name, CHAMPION)
    if champion is None:
        return []
    promotions = [
        move
        for move in champion_moves(engine, project, name)
        if move["action"] == "promote" and move["to_version"] == str(champion.version) and move["from_version"]
    ]
    if not promotions:
        return []
    target = promotions[-1]["from_version"]
    try:
        registry.get_version(name, target)
    except registry.NoSuchVersion:
        return [f"{name}: champion v{champion.version} would roll back to v{target}, which was deleted"]
    return []


def features(engine: Engine, project: Project, spec: ConfigSet, partition: str) -> list[str]:
    """(d) The partition's stored feature rows equal the `features` hook over all its stored raw rows, and no row
    is missing on either side (`feature_drift_from_recompute`)."""
    differing = feature_drift_from_recompute(engine, project, partition, spec)
    if not differing:
        return []
    first = ", ".join(moment.isoformat() for moment in differing[:SHOWN])
    return [f"{project.model_name(partition)}: {len(differing)} feature row(s) differ from a recompute, first {first}"]


def champion_moves(engine: Engine, project: str, name: str) -> list[dict]:
    """The model events that moved the champion alias, oldest first (by time, then id)."""
    query = (
        select(model_events)
        .where(
            model_events.c.project == project,
            model_events.c.model_name == name,
            model_events.c.alias == CHAMPION,
            model_events.c.action.in_(CHAMPION_MOVES),
        )
        .order_by(model_events.c.created_at, model_events.c.id)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def training_ends(engine: Engine, project: str, name: str) -> dict[str, datetime]:
    """run id -> end of the window each training of `name` learned from."""
    query = select(trainings.c.run_id, trainings.c.window_end).where(
        trainings.c.project == project, trainings.c.model_name == name
    )
    with engine.connect() as conn:
        return {run_id: utc(end) for run_id, end in conn.execute(query)}


def fit_ends(engine: Engine, project: str, name: str) -> dict[str, datetime]:
    """version -> end of the data it was fitted on: its `fit_end` tag, or, for a version deleted since, the window
    end of the training that refitted it as champion or shadow (such a version is fitted up to its run's end)."""
    ends = training_ends(engine, project, name)
    query = select(gate_decisions.c.version, gate_decisions.c.run_id).where(
        gate_decisions.c.project == project,
        gate_decisions.c.model_name == name,
        gate_decisions.c.version.is_not(None),
        gate_decisions.c.alias != "challenger",
    )
    with engine.connect() as conn:
        fitted = {version: ends[run_id] for version, run_id in conn.execute(query) if run_id in ends}
    for version in registry.all_versions(name):
        if "fit_end" in version.tags:
            fitted[str(version.version)] = utc(version.tags["fit_end"])
    return fitted
