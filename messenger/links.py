"""Links put in messages, built only from the public URLs people open (never from the addresses the services use
among themselves, which may carry credentials and which a browser outside the stack cannot open): no public URL,
no link."""

from urllib.parse import quote, urlsplit, urlunsplit

from compose.settings import get_settings


def airflow_run_url(dag_id: str, run_id: str) -> str | None:
    """The Airflow 3 UI page of one DAG run, when AIRFLOW_PUBLIC_URL is set."""
    base = _public(get_settings().airflow_public_url)
    if not base:
        return None
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def mlflow_model_url(model_name: str, version: str | None) -> str | None:
    """The MLflow UI page of a model version (of the registered model, its versions and aliases, without one),
    when MLFLOW_PUBLIC_URL is set."""
    base = _public(get_settings().mlflow_public_url)
    if not base:
        return None
    page = f"{base}/#/models/{quote(model_name, safe='')}"
    return page if version is None else f"{page}/versions/{quote(str(version), safe='')}"


def dashboard_url(project: str) -> str:
    """The service's dashboard page of a project (unset public URL: the service on this machine, `make api`)."""
    settings = get_settings()
    base = _public(settings.dashboard_public_url) or f"http://localhost:{settings.api_port}"
    return f"{base}/dashboard/{quote(project, safe='')}"


def _public(url: str | None) -> str | None:
    """A public URL as a link's base: without credentials (a browser asks for them) and without a trailing /."""
    if not url:
        return None
    parts = urlsplit(url.rstrip("/"))
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
