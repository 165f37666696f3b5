"""Every error the API answers is one JSON object with one readable `detail` and the status that fits it; the
messages never carry a configured secret."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from compose.settings import get_settings
from service.api.airflow_client import AirflowError
from service.models.mlflow_client import RegistryUnavailable


class ErrorDetail(BaseModel):
    detail: str


MEANINGS = {
    400: "the body could not be read (not JSON, or not UTF-8)",
    401: "missing or wrong bearer token",
    403: "endpoints that need the token are disabled (no API_TOKEN configured)",
    404: "unknown project, partition, model, version, workflow kind or run",
    409: "nothing to roll back to (none, or deleted), the champion asked to become the shadow, or the role moved",
    422: "invalid parameters or body",
    502: "Airflow answered with an error or could not be reached",
    503: "no champion to serve, the registry is unavailable, or Airflow is not configured",
}


def errors(*statuses: int) -> dict[int, dict]:
    """The OpenAPI `responses` of a route for these error statuses (each with the ErrorDetail body)."""
    return {status: {"model": ErrorDetail, "description": MEANINGS[status]} for status in statuses}


def safe(error: Exception) -> str:
    """An error for a response: its first line, with every configured secret masked."""
    return masked((str(error).splitlines() or [type(error).__name__])[0][:500])


def masked(text: str) -> str:
    """`text` with every configured secret replaced by ***."""
    settings = get_settings()
    secrets = (settings.airflow_password, settings.api_token, settings.slack_bot_token, settings.slack_webhook_url)
    for secret in (*secrets, settings.aws_secret_access_key):
        if secret is not None and secret.get_secret_value():
            text = text.replace(secret.get_secret_value(), "***")
    return text


def install_handlers(app: FastAPI) -> None:
    """Validation errors as one sentence; outages of the registry (503) and Airflow (its status) as JSON details."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}" for problem in error.errors()]
        return JSONResponse({"detail": "; ".join(problems[:5])}, status_code=422)

    @app.exception_handler(RegistryUnavailable)
    async def registry_unavailable(request: Request, error: RegistryUnavailable) -> JSONResponse:
        return JSONResponse({"detail": safe(error)}, status_code=503)

    @app.exception_handler(AirflowError)
    async def airflow_failed(request: Request, error: AirflowError) -> JSONResponse:
        return JSONResponse({"detail": safe(error)}, status_code=error.status)
