"""The MLflow model registry for any project: versions and the aliases that give them a role.

Aliases, not the deprecated stages: `champion` serves, `shadow` forecasts beside it on live data without being
served, `challenger` marks the newest version a training registered that does not serve (it lost its gate, or its
move was superseded or stale). A version holds at most one of these roles. Only service.models.roles moves them:
compare-and-set under a lock, each move recorded in the model_events table (service.models.events).
"""

from datetime import datetime

import numpy as np
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from service.models.mlflow_client import configure_mlflow, is_missing, mlflow_call

CHAMPION, SHADOW, CHALLENGER = "champion", "shadow", "challenger"
ROLES = (CHAMPION, SHADOW, CHALLENGER)


MAX_VERSION = 2**31 - 1  # MLflow stores version numbers as 32-bit integers: a larger one cannot exist


class NoChampion(LookupError):
    """The registered model has no version with the champion alias yet."""


class NoSuchVersion(LookupError):
    """The registered model has no version of that number (never registered, or deleted)."""


def version_by_alias(name: str, alias: str) -> ModelVersion | None:
    """The version holding `alias`, None when the registry says there is none (RegistryUnavailable otherwise)."""
    try:
        with mlflow_call(f"alias {alias!r} of {name}"):
            return configure_mlflow().get_model_version_by_alias(name, alias)
    except MlflowException as error:
        if is_missing(error):
            return None
        raise


def champion_uri(name: str) -> str:
    """`models:/<name>@champion`, or NoChampion with a message saying how to get one."""
    if version_by_alias(name, CHAMPION) is None:
        raise NoChampion(f"registered model {name!r} has no '{CHAMPION}' version yet: run the train workflow first")
    return f"models:/{name}@{CHAMPION}"


def get_version(name: str, version: str) -> ModelVersion:
    """One version; NoSuchVersion when the registry has none of that number (or it is not a version number)."""
    if not str(version).isdigit() or not 0 < int(version) <= MAX_VERSION:  # the store would fail, not answer
        raise NoSuchVersion(f"{name} has no version {version}")
    try:
        with mlflow_call(f"{name} v{version}"):
            return configure_mlflow().get_model_version(name, str(version))
    except MlflowException as error:
        if is_missing(error):
            raise NoSuchVersion(f"{name} has no version {version}") from None
        raise


def seen_until(version: ModelVersion | None) -> datetime | None:
    """The end of the data `version` has seen: fitted on (`fit_end`), or kept on by a gate (`validated_end`); None
    without a version, or for one registered without its windows."""
    if version is None:
        return None
    ends = [datetime.fromisoformat(version.tags[tag]) for tag in ("fit_end", "validated_end") if tag in version.tags]
    return max(ends, default=None)


def load_model(model_uri: str):
    """A pyfunc model, as inference, evaluation and the service load every model."""
    import mlflow.pyfunc

    with mlflow_call(model_uri):
        configure_mlflow()
        return mlflow.pyfunc.load_model(model_uri)


def predict(model, frame, output: str) -> np.ndarray:
    """The model's `output` column for `frame`, fed exactly the columns of the model's input signature."""
    schema = model.metadata.get_input_schema()
    if schema is None:
        raise ValueError(f"{model.metadata.model_uuid}: logged without an input signature; log it with one to serve it")
    if frame.empty:
        return np.array([], dtype=float)
    return model.predict(frame[schema.input_names()])[output].to_numpy(dtype=float)


def register_version(name: str, model_uri: str, mlflow_run_id: str, tags: dict[str, str]) -> str:
    """A new version of `name` from `model_uri`; a retried task that already registered this model gets it back."""
    client = configure_mlflow()
    with mlflow_call(f"registered model {name}"):
        try:
            client.get_registered_model(name)
        except MlflowException as error:
            if not is_missing(error):
                raise
            client.create_registered_model(name, description="Registered by the train workflow; served by alias.")
    for existing in all_versions(name):
        if existing.run_id == mlflow_run_id and existing.tags.get("source_model_uri") == model_uri:
            return str(existing.version)
    # a logged model (models:/m-...) must be named by its id too: a tracking server refuses the source without it
    model_id = model_uri.removeprefix("models:/") if model_uri.startswith("models:/m-") else None
    with mlflow_call(f"a new version of {name}"):
        version = client.create_model_version(
            name, model_uri, run_id=mlflow_run_id, tags={**tags, "source_model_uri": model_uri}, model_id=model_id
        )
    return str(version.version)


def tag_version(name: str, version: str, tags: dict[str, str]) -> None:
    """Set `tags` on a version (setting the same again changes nothing)."""
    client = configure_mlflow()
    with mlflow_call(f"tags of {name} version {version}"):
        for key, value in tags.items():
            client.set_model_version_tag(name, str(version), key, value)


def all_versions(name: str) -> list[ModelVersion]:
    """Every version of `name`, across all result pages (not just the first)."""
    client, versions, token = configure_mlflow(), [], None
    while True:
        with mlflow_call(f"versions of {name}"):
            page = client.search_model_versions(f"name = '{name}'", max_results=200, page_token=token)
        versions.extend(page)
        token = page.token
        if not token:
            return versions


def aliases(name: str) -> dict[str, str]:
    """alias -> version of `name`, empty when it is not registered (asked of the registered model: search results do
    not carry aliases everywhere)."""
    try:
        with mlflow_call(f"aliases of {name}"):
            model = configure_mlflow().get_registered_model(name)
    except MlflowException as error:
        if is_missing(error):
            return {}
        raise
    return {alias: str(version) for alias, version in model.aliases.items()}


def set_role(name: str, alias: str, version: str) -> None:
    """Give `version` the role `alias`; it loses any other role it held (one version, one role)."""
    client = configure_mlflow()
    current = aliases(name)
    with mlflow_call(f"alias {alias!r} of {name}"):
        client.set_registered_model_alias(name, alias, str(version))
        for other in ROLES:
            if other != alias and current.get(other) == str(version):
                client.delete_registered_model_alias(name, other)


def clear_role(name: str, alias: str) -> None:
    if alias in aliases(name):
        with mlflow_call(f"alias {alias!r} of {name}"):
            configure_mlflow().delete_registered_model_alias(name, alias)


def project_model_names(project: str) -> list[str]:
    """The registered models of `project`: named after it, or after it and a partition (crypto_forecast-KRW-BTC)."""
    with mlflow_call(f"the registered models of {project}"):
        found = configure_mlflow().search_registered_models(filter_string=f"name LIKE '{project}%'")
    return sorted(model.name for model in found if model.name == project or model.name.startswith(f"{project}-"))
