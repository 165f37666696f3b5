"""Links put in messages, built from settings (no secrets in them)."""

from urllib.parse import quote

from compose.settings import get_settings


def airflow_run_url(dag_id: str, run_id: str) -> str:
    """The Airflow 3 UI page of one DAG run."""
    base = get_settings().airflow_url.rstrip("/")
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def mlflow_model_url(model_name: str, version: str | None) -> str | None:
    """The MLflow UI page of a model version, when MLflow is a server people can open (not a local file)."""
    uri = get_settings().mlflow_tracking_uri
    if not uri.startswith(("http://", "https://")) or version is None:
        return None
    return f"{uri.rstrip('/')}/#/models/{quote(model_name, safe='')}/versions/{quote(str(version), safe='')}"
