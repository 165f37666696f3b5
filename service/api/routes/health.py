"""GET /health: each component the service depends on, and 503 unless every one answers."""

from collections.abc import Callable

from fastapi import APIRouter, Response
from sqlalchemy import text

from db_handler import get_engine
from service.api.airflow_client import airflow_client
from service.api.errors import safe
from service.api.schemas import ComponentHealth, Health
from service.models.mlflow_client import configure_mlflow

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health, "description": "degraded"}})
def health(response: Response) -> Health:
    checks: dict[str, Callable[[], object]] = {
        "database": _database,
        "mlflow": lambda: configure_mlflow().search_experiments(max_results=1),
        "airflow": lambda: airflow_client().health(),
    }
    results = {name: _check(call) for name, call in checks.items()}
    healthy = all(result.status == "ok" for result in results.values())
    response.status_code = 200 if healthy else 503
    return Health(status="ok" if healthy else "degraded", **results)


def _check(call: Callable[[], object]) -> ComponentHealth:
    try:
        call()
    except Exception as error:
        return ComponentHealth(status="error", detail=f"{type(error).__name__}: {safe(error)}")
    return ComponentHealth(status="ok")


def _database() -> None:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
