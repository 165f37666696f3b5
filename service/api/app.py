"""The FastAPI app: health, projects and their workflows (through Airflow), models, monitoring, predictions,
and the dashboard. `create_app()` builds it; `python -m service.api` serves it."""

import importlib
from datetime import UTC, datetime
from functools import lru_cache

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from mlflow.exceptions import MlflowException
from sqlalchemy import func, select, text

from compose.settings import Settings, get_settings
from db_handler import get_engine
from db_handler.migrate import ensure_schema
from db_handler.runs import manual_run_id
from service import registry
from service.api import dashboard
from service.api.airflow_client import AirflowClient, AirflowError
from service.api.predictor import Predictor, Served
from service.api.predictor import predict as predict_rows
from service.api.schemas import (
    ComponentHealth,
    Health,
    PredictRequest,
    PredictResponse,
    Project,
    PromoteRequest,
    RollbackRequest,
    TriggerRequest,
    Workflow,
)
from service.api.security import require_token
from service.events import list_events
from service.mlflow_setup import configure_mlflow
from service.projects import KINDS, dag_files, discover


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="MLOps template service", version="1.0", description=__doc__, responses=ERRORS)
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    predictor = Predictor(_model_names)

    @app.middleware("http")
    async def allow_every_method_of_the_path(request, call_next):
        """Starlette's 405 lists the methods of one route only; a path served by a GET and a POST route has both."""
        response = await call_next(request)
        if response.status_code == 405:
            methods = {
                method
                for route in app.routes
                if isinstance(route, APIRoute) and route.path_regex.match(request.url.path)
                for method in route.methods
            }
            response.headers["Allow"] = ", ".join(sorted(methods))
        return response

    @app.get("/health", response_model=Health)
    def health() -> Health:
        checks = {"database": _check_database, "mlflow": _check_mlflow, "airflow": lambda: _airflow_client().health()}
        results = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = ComponentHealth(status="ok")
            except Exception as error:
                results[name] = ComponentHealth(status="error", detail=_safe(error))
        overall = "ok" if all(result.status == "ok" for result in results.values()) else "degraded"
        return Health(status=overall, **results)

    @app.get("/projects", response_model=list[Project])
    def projects() -> list[Project]:
        return [Project(name=name, workflows=[f"{name}_{kind}_wf" for kind in KINDS]) for name in discover()]

    @app.get("/projects/{project}/workflows", response_model=list[Workflow])
    def workflows(project: str) -> list[Workflow]:
        _known(project)
        client, found = _airflow_client(), []
        for kind, path in dag_files(project).items():
            workflow = Workflow(kind=kind, dag_id=path.stem, dag_file=path.exists())
            try:
                runs = client.runs(path.stem, limit=1)
                workflow.last_run = _run_summary(runs[0]) if runs else None
            except AirflowError as error:
                workflow.error = str(error)
            found.append(workflow)
        return found

    @app.post("/projects/{project}/workflows/{kind}/runs", status_code=201, dependencies=[Depends(require_token)])
    def trigger(project: str, kind: str, request: TriggerRequest) -> dict:
        return _run_summary(_airflow(lambda client: client.trigger(_dag_id(project, kind), request.conf)))

    @app.get("/projects/{project}/workflows/{kind}/runs")
    def runs(project: str, kind: str, limit: int = Query(20, ge=1, le=100)) -> list[dict]:
        dag_id = _dag_id(project, kind)
        return [_run_summary(run) for run in _airflow(lambda client: client.runs(dag_id, limit))]

    @app.get("/projects/{project}/workflows/{kind}/runs/{run_id}")
    def run(project: str, kind: str, run_id: str) -> dict:
        dag_id = _dag_id(project, kind)
        found = _airflow(lambda client: client.run(dag_id, run_id))
        tasks = _airflow(lambda client: client.task_instances(dag_id, run_id))
        return {
            **_run_summary(found),
            "tasks": [
                {
                    key: task.get(key)
                    for key in ("task_id", "map_index", "state", "try_number", "start_date", "end_date")
                }
                for task in tasks
            ],
        }

    @app.get("/projects/{project}/workflows/{kind}/runs/{run_id}/tasks/{task_id}/logs/{try_number}")
    def task_log(project: str, kind: str, run_id: str, task_id: str, try_number: int) -> dict:
        dag_id = _dag_id(project, kind)
        return _airflow(lambda client: client.log(dag_id, run_id, task_id, try_number))

    @app.get("/projects/{project}/monitoring")
    def monitoring(project: str, limit: int = Query(48, ge=1, le=1000)) -> dict:
        table = _table(project, "monitoring")
        with get_engine().connect() as conn:
            rows = [
                dict(row._mapping)
                for row in conn.execute(select(table).order_by(table.c.window_end.desc()).limit(limit))
            ]
            counts = dict(conn.execute(select(table.c.decision, func.count()).group_by(table.c.decision)).all())
        return {
            "rows": rows,
            "summary": {
                "decisions": counts,
                "latest": rows[0]["decision"] if rows else None,
                "retrains_requested": sum(1 for row in rows if row["retrain_requested"]),
            },
        }

    @app.get("/projects/{project}/models")
    def models(project: str) -> list[dict]:
        engine = get_engine()
        ensure_schema(engine)
        described = []
        for name in _model_names(project):
            roles = {
                alias: registry.version_by_alias(name, alias) for alias in (registry.CHAMPION, registry.CHALLENGER)
            }
            described.append(
                {
                    "model": name,
                    **{
                        alias: (
                            {"version": str(v.version), "run_id": v.run_id, "created": _ms(v.creation_timestamp)}
                            if v
                            else None
                        )
                        for alias, v in roles.items()
                    },
                    "events": list_events(engine, project, name, limit=50),
                }
            )
        return described

    @app.post("/projects/{project}/models/{model}/promote", dependencies=[Depends(require_token)])
    def promote(project: str, model: str, request: PromoteRequest) -> dict:
        _known_model(project, model)
        try:
            event = registry.promote(
                get_engine(), project, model, request.version, request.reason, manual_run_id("api")
            )
        except MlflowException as error:  # the registry has no such version
            raise HTTPException(404, f"cannot promote {model} v{request.version}: {_safe(error)}") from None
        return vars(event)

    @app.post("/projects/{project}/models/{model}/rollback", dependencies=[Depends(require_token)])
    def rollback(project: str, model: str, request: RollbackRequest) -> dict:
        _known_model(project, model)
        try:
            return vars(registry.rollback(get_engine(), project, model, request.reason, manual_run_id("api")))
        except LookupError as error:
            raise HTTPException(409, str(error)) from None

    @app.post("/projects/{project}/predict", response_model=PredictResponse)
    async def predict(project: str, request: PredictRequest) -> PredictResponse:
        """Runs on the event loop: a forecast takes a few milliseconds of CPU and the champion comes from memory
        (only the first request of a project asks the registry, in a worker thread)."""
        served = predictor.cached(project, request.model) or await run_in_threadpool(_resolve, project, request.model)
        expected = set(served.inputs)
        for number, row in enumerate(request.rows):
            missing, unknown = sorted(expected - set(row)), sorted(set(row) - expected)
            if missing or unknown:
                raise HTTPException(422, f"row {number}: missing columns {missing}, unknown columns {unknown}")
        return PredictResponse(
            model=served.name, version=served.version, predictions=predict_rows(served, request.rows)
        )

    def _resolve(project: str, wanted: str | None) -> Served:
        _known(project)
        try:
            return predictor.resolve(project, wanted)
        except registry.NoChampion as error:
            raise HTTPException(503, str(error)) from None
        except ValueError as error:
            raise HTTPException(422, str(error)) from None

    dashboard.add_routes(app, _table, _model_names)
    return app


ERRORS = {
    status: {"description": description, "content": {"application/json": {"example": {"detail": "what was wrong"}}}}
    for status, description in {
        400: "the body is not valid JSON",
        401: "missing or wrong bearer token",
        403: "mutating endpoints are disabled (no API_TOKEN)",
        404: "unknown project, workflow kind, model, run or plot",
        409: "nothing to roll back to",
        502: "Airflow answered with an error or is unreachable",
        503: "no champion, or Airflow not configured",
    }.items()
}


def _known(project: str) -> None:
    if project not in discover():
        raise HTTPException(404, f"no project {project!r}; projects: {', '.join(discover())}")


def _dag_id(project: str, kind: str) -> str:
    _known(project)
    if kind not in KINDS:
        raise HTTPException(404, f"no workflow kind {kind!r}; kinds: {', '.join(KINDS)}")
    return f"{project}_{kind}_wf"


def _table(project: str, name: str):
    _known(project)
    ensure_schema(get_engine(), project, importlib.import_module(f"projects.{project}.run").MIGRATIONS)
    return getattr(importlib.import_module(f"projects.{project}.utils.tables"), name)


def _model_names(project: str) -> list[str]:
    _known(project)
    client = configure_mlflow()
    found = client.search_registered_models(filter_string=f"name LIKE '{project}%'")
    return sorted(m.name for m in found if m.name == project or m.name.startswith(f"{project}-"))


def _known_model(project: str, model: str) -> None:
    if model not in _model_names(project):
        raise HTTPException(404, f"{project} has no registered model {model!r}")


def _airflow(call):
    try:
        return call(_airflow_client())
    except AirflowError as error:
        raise HTTPException(error.status, str(error)) from None


def _airflow_client() -> AirflowClient:
    """One client (and so one access token, until it expires) per Airflow address and credentials."""
    settings = get_settings()
    password = settings.airflow_password.get_secret_value() if settings.airflow_password else None
    return _client_for(settings.airflow_url, settings.airflow_username, password)


@lru_cache(maxsize=8)
def _client_for(url: str, username: str | None, password: str | None) -> AirflowClient:
    return AirflowClient(Settings(airflow_url=url, airflow_username=username, airflow_password=password))


def _run_summary(run: dict) -> dict:
    keys = ("dag_id", "dag_run_id", "state", "run_type", "logical_date", "run_after", "start_date", "end_date", "conf")
    return {key: run.get(key) for key in keys}


def _check_database() -> None:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def _check_mlflow() -> None:
    configure_mlflow().search_experiments(max_results=1)


def _safe(error: Exception) -> str:
    """An error for a response: its type and first line, with configured secrets masked."""
    settings = get_settings()
    message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
    for secret in (
        settings.airflow_password,
        settings.api_token,
        settings.slack_bot_token,
        settings.aws_secret_access_key,
    ):
        if secret is not None and secret.get_secret_value():
            message = message.replace(secret.get_secret_value(), "***")
    return message


def _ms(timestamp: int | None) -> str | None:
    return datetime.fromtimestamp(timestamp / 1000, tz=UTC).isoformat() if timestamp else None
