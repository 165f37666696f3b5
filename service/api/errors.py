"""Every error the API answers is one JSON object with one readable `detail` and the status that fits it: a single
line of at most MAX_DETAIL characters, scrubbed of secrets (compose.secrets), echoing what the request named only
shortened (`shown`), never a traceback. Outages are 503: the registry (RegistryUnavailable) and the results
database (SQLAlchemy's OperationalError), whichever route meets them."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from compose.secrets import scrub
from service.api.airflow_client import AirflowError
from service.models.mlflow_client import RegistryUnavailable

MAX_DETAIL = 1000
MAX_KEY = 80


class ErrorDetail(BaseModel):
    detail: str


MEANINGS = {
    400: "the body could not be read (not JSON, or not UTF-8)",
    401: "missing or wrong bearer token",
    403: "endpoints that need the token are disabled (no API_TOKEN configured)",
    404: "unknown project, partition, model, version, workflow kind or run",
    409: "nothing to roll back to (none, or deleted), the champion asked to become the shadow, or the role moved",
    413: "the body is larger than API_MAX_BODY_BYTES, or /predict sent more rows than API_MAX_PREDICT_ROWS",
    422: "invalid parameters or body",
    500: "an unexpected error (its first line; the service's log has the rest)",
    502: "Airflow answered with an error or could not be reached",
    503: "no champion to serve, the registry or the results database is unavailable, or Airflow is not configured",
}


def errors(*statuses: int) -> dict[int, dict]:
    """The OpenAPI `responses` of a route for these error statuses (each with the ErrorDetail body)."""
    return {status: {"model": ErrorDetail, "description": MEANINGS[status]} for status in statuses}


def safe(error: Exception) -> str:
    """An error for a response: its first line (or its type's name), scrubbed and shortened."""
    return one_line(str(error).strip() or type(error).__name__)


def one_line(text: str) -> str:
    """The first line of `text`, scrubbed of secrets, at most MAX_DETAIL characters."""
    line = scrub((text.splitlines() or [""])[0])
    return line if len(line) <= MAX_DETAIL else line[: MAX_DETAIL - 3] + "..."


def shortened(text: str) -> str:
    """`text` cut to MAX_KEY characters: what a request named, as an error repeats it."""
    return text if len(text) <= MAX_KEY else text[:MAX_KEY] + "..."


def shown(key: object) -> str:
    """A key the request named, quoted and shortened, for an error message (a 10 MB key is not echoed back)."""
    return repr(shortened(str(key)))


def install_handlers(app: FastAPI) -> None:
    """JSON details for every error: HTTP errors (404 of unknown routes and 405 included), invalid requests as one
    sentence, outages of the registry and the database (503), Airflow's errors (its status), and anything
    unexpected (500, logged with its traceback)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": one_line(str(error.detail))}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(shortened(str(part)) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:5]
        ]
        return JSONResponse({"detail": one_line("; ".join(problems))}, status_code=422)

    @app.exception_handler(RegistryUnavailable)
    async def registry_unavailable(request: Request, error: RegistryUnavailable) -> JSONResponse:
        return JSONResponse({"detail": safe(error)}, status_code=503)

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, error: OperationalError) -> JSONResponse:
        return JSONResponse({"detail": f"the results database is unavailable: {safe(error.orig or error)}"}, 503)

    @app.exception_handler(AirflowError)
    async def airflow_failed(request: Request, error: AirflowError) -> JSONResponse:
        return JSONResponse({"detail": safe(error)}, status_code=error.status)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        """The server logs the traceback (scrubbed by the log filter) after this answer is sent."""
        return JSONResponse({"detail": f"internal error: {type(error).__name__}: {safe(error)}"}, status_code=500)
