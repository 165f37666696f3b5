"""Model management on the MLflow registry, for any project: register, gate by alias, rollback, retention.

Aliases, not the deprecated stages: `champion` serves, `challenger` marks the newest version that did not
pass the gate. Every decision is also written to the model_events table (service.events).
"""

import logging
from datetime import UTC, datetime, timedelta

import numpy as np
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from sqlalchemy import Engine

from db_handler.runs import manual_run_id
from service.events import ModelEvent, list_events, record_event
from service.gate import GateDecision
from service.mlflow_setup import configure_mlflow

log = logging.getLogger(__name__)
CHAMPION, CHALLENGER = "champion", "challenger"


class NoChampion(LookupError):
    """The registered model has no version with the champion alias yet."""


def version_by_alias(name: str, alias: str) -> ModelVersion | None:
    try:
        return configure_mlflow().get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def champion_uri(name: str) -> str:
    """`models:/<name>@champion`, or NoChampion with a message saying how to get one."""
    if version_by_alias(name, CHAMPION) is None:
        raise NoChampion(f"registered model {name!r} has no '{CHAMPION}' version yet: run the train workflow first")
    return f"models:/{name}@{CHAMPION}"


def load_model(model_uri: str):
    """A pyfunc model, as inference and evaluation load every model."""
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(model_uri)


def predict(model, frame, output: str) -> np.ndarray:
    """The model's `output` column for `frame`, fed exactly the columns of the model's input signature."""
    schema = model.metadata.get_input_schema()
    if schema is None:
        raise ValueError(f"{model.metadata.model_uuid}: logged without an input signature; log it with one to serve it")
    return model.predict(frame[schema.input_names()])[output].to_numpy(dtype=float)


def register_version(name: str, model_uri: str, mlflow_run_id: str, tags: dict[str, str]) -> str:
    """A new version of `name` from `model_uri`; a retried task that already registered this run gets it back."""
    client = configure_mlflow()
    try:
        client.get_registered_model(name)
    except MlflowException:
        client.create_registered_model(name, description="Registered by the train workflow; served by alias.")
    for existing in all_versions(name):
        if existing.run_id == mlflow_run_id and existing.tags.get("source_model_uri") == model_uri:
            return str(existing.version)
    # a logged model (models:/m-...) must be named by its id too: a tracking server refuses the source without it
    model_id = model_uri.removeprefix("models:/") if model_uri.startswith("models:/m-") else None
    version = client.create_model_version(
        name, model_uri, run_id=mlflow_run_id, tags={**tags, "source_model_uri": model_uri}, model_id=model_id
    )
    return str(version.version)


def all_versions(name: str) -> list[ModelVersion]:
    """Every version of `name`, across all result pages (not just the first)."""
    client, versions, token = configure_mlflow(), [], None
    while True:
        page = client.search_model_versions(f"name = '{name}'", max_results=200, page_token=token)
        versions.extend(page)
        token = page.token
        if not token:
            return versions


def apply_gate(
    engine: Engine,
    project: str,
    name: str,
    version: str,
    decision: GateDecision,
    metrics: dict,
    run_id: str,
    mlflow_run_id: str | None = None,
) -> ModelEvent:
    """Move `champion` to `version` if the gate passed, else point `challenger` at it; record either way."""
    client = configure_mlflow()
    previous = version_by_alias(name, CHAMPION)
    from_version = str(previous.version) if previous else None
    alias = CHAMPION if decision.promote else CHALLENGER
    client.set_registered_model_alias(name, alias, version)
    challenger = version_by_alias(name, CHALLENGER)
    if decision.promote and challenger is not None and str(challenger.version) == version:
        client.delete_registered_model_alias(name, CHALLENGER)  # one version, one role
    event = ModelEvent(
        project=project,
        model_name=name,
        action="promote" if decision.promote else "reject",
        alias=alias,
        from_version=from_version,
        to_version=version,
        reason=decision.reason,
        metrics=metrics,
        run_id=run_id,
        mlflow_run_id=mlflow_run_id,
    )
    return record_event(engine, event)


def promote(
    engine: Engine, project: str, name: str, version: str, reason: str, run_id: str | None = None
) -> ModelEvent:
    """Make `version` champion by hand (the REST API and CLI use this); recorded like any other decision."""
    configure_mlflow().get_model_version(name, version)  # fails clearly on an unknown version
    return apply_gate(
        engine, project, name, version, GateDecision(True, f"manual promotion: {reason}"), {}, run_id or manual_run_id()
    )


def rollback(
    engine: Engine, project: str, name: str, reason: str = "manual rollback", run_id: str | None = None
) -> ModelEvent:
    """Champion back to the version it replaced (found in the promotion history), recorded."""
    current = version_by_alias(name, CHAMPION)
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
    configure_mlflow().set_registered_model_alias(name, CHAMPION, target)
    event = ModelEvent(
        project=project,
        model_name=name,
        action="rollback",
        alias=CHAMPION,
        from_version=str(current.version),
        to_version=target,
        reason=reason,
        run_id=run_id or manual_run_id(),
    )
    return record_event(engine, event)


def apply_retention(engine: Engine, project: str, name: str, max_age_days: int, run_id: str | None = None) -> list[str]:
    """Delete versions older than `max_age_days` that carry no alias; each deletion recorded. Returns versions."""
    client = configure_mlflow()
    cutoff = datetime.now(UTC) - timedelta(days=max_age_days)
    run_id = run_id or manual_run_id()
    # search results do not carry aliases on every store: ask the registered model which versions hold one
    aliased = {str(version) for version in client.get_registered_model(name).aliases.values()}
    deleted = []
    for version in all_versions(name):
        created = datetime.fromtimestamp(version.creation_timestamp / 1000, tz=UTC)
        if str(version.version) in aliased or created >= cutoff:
            continue
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
                reason=f"retention: older than {max_age_days} days and no alias",
                run_id=run_id,
            ),
        )
    log.info("retention on %s deleted versions %s", name, deleted)
    return deleted
