"""MLflow pointed at the configured tracking store, one experiment per project, and what an outage looks like.

An unreachable or failing registry raises RegistryUnavailable (retryable), never an answer such as "no champion":
only the registry saying a model or alias does not exist means it does not exist.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from compose.secrets import scrub
from compose.settings import get_settings

MISSING_CODES = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")


class RegistryUnavailable(RuntimeError):
    """MLflow could not answer (down, unreachable, failing): try again later."""


def configure_mlflow() -> MlflowClient:
    """Point MLflow (tracking and registry) at the configured store and return a client for it."""
    uri = get_settings().mlflow_tracking_uri
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def project_experiment_id(project: str) -> str:
    """The project's experiment, created on first use with the configured artifact location."""
    with mlflow_call(f"the experiment of {project}"):
        client = configure_mlflow()
        experiment = client.get_experiment_by_name(project)
        if experiment is not None:
            return experiment.experiment_id
        return client.create_experiment(project, artifact_location=get_settings().mlflow_artifact_root())


def is_missing(error: MlflowException) -> bool:
    """The registry answered that the model, version or alias does not exist."""
    return error.error_code in MISSING_CODES and "not found" in str(error).lower()


@contextmanager
def mlflow_call(what: str) -> Iterator[None]:
    """Any failure to talk to MLflow, other than a "does not exist" answer, becomes RegistryUnavailable. Its cause
    is left out of the chain (`from None`): MLflow's own errors repeat the tracking URI, credentials and all, and
    a logged traceback (Airflow's own logging included) would print them; what they say is in the message."""
    try:
        yield
    except MlflowException as error:
        if is_missing(error):
            raise
        raise _unavailable(f"failed while reading {what}: {_first_line(error)}") from None
    except (OSError, ConnectionError) as error:
        raise _unavailable(f"unreachable while reading {what}: {error}") from None
    except Exception as error:
        if type(error).__module__.startswith(("sqlalchemy", "requests", "urllib3")):
            raise _unavailable(f"store failed while reading {what}: {error}") from None
        raise


def _unavailable(what_happened: str) -> RegistryUnavailable:
    """The outage, scrubbed: MLflow's own errors repeat the tracking URI, credentials and all."""
    return RegistryUnavailable(scrub(f"MLflow at {get_settings().mlflow_tracking_uri} {what_happened}"))


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
