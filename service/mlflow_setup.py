"""MLflow pointed at the configured tracking store, one experiment per project."""

import os

# MLflow's usage telemetry phones home (offline here) and, in 3.17, races between threads of one process
# (KeyError '_MLFLOW_TELEMETRY_SESSION_ID' failing a log_batch); off unless the environment says otherwise.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow
from mlflow import MlflowClient

from compose.settings import get_settings


def configure_mlflow() -> MlflowClient:
    """Point MLflow (tracking and registry) at the configured store and return a client for it."""
    uri = get_settings().mlflow_tracking_uri
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def project_experiment_id(project: str) -> str:
    """The project's experiment, created on first use with the configured artifact location."""
    client = configure_mlflow()
    experiment = client.get_experiment_by_name(project)
    if experiment is not None:
        return experiment.experiment_id
    return client.create_experiment(project, artifact_location=get_settings().mlflow_artifact_root())
