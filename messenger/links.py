"""Links put in messages, built from settings (no secrets in them): the public URLs where set, so a link in Slack
opens from a teammate's browser and not only inside the stack."""

from urllib.parse import quote

from compose.settings import get_settings


def airflow_run_url(dag_id: str, run_id: str) -> str:
    """The Airflow 3 UI page of one DAG run."""
    settings = get_settings()
    base = (settings.airflow_public_url or settings.airflow_url).rstrip("/")
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def mlflow_model_url(model_name: str, version: str | None) -> str | None:
    """The MLflow UI page of a model version (of the registered model, its versions and aliases, without one),
    when MLflow is a server people can open (not a local file)."""
    settings = get_settings()
    uri = settings.mlflow_public_url or settings.mlflow_tracking_uri
    if not uri.startswith(("http://", "https://")):
        return None
    page = f"{uri.rstrip('/')}/#/models/{quote(model_name, safe='')}"
    return page if version is None else f"{page}/versions/{quote(str(version), safe='')}"


def dashboard_url(project: str) -> str:
    """The service's dashboard page of a project (unset public URL: the service on this machine, `make api`)."""
    settings = get_settings()
    base = (settings.dashboard_public_url or f"http://localhost:{settings.api_port}").rstrip("/")
    return f"{base}/dashboard/{quote(project, safe='')}"
