"""The service's FastAPI app, assembled from its routers: health, projects and their workflows (through Airflow),
models and their roles, monitoring and alerts, predictions from the champions, and the dashboard.
`create_app()` builds it; `python -m service.api` serves it."""

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from compose.settings import get_settings
from service.api.catalog import known_projects
from service.api.errors import errors, install_handlers
from service.api.limits import BodyLimit
from service.api.predictor import Predictor
from service.api.routes import dashboard, health, models, monitoring, predict, projects

ROUTERS = (health, projects, models, monitoring, predict, dashboard)


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Before the first request: every project's contract imported, and every champion loaded into memory (as a
    model server loads its model before it answers), so the first requests do not wait on the registry."""
    for known in known_projects():
        app.state.predictor.preload([known.model_name(partition) for partition in known.partitions])
    yield


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="MLOps template service",
        version="2.0",
        description=__doc__,
        lifespan=lifespan,
        responses=errors(413, 500, 503),  # any route: a body too large, the unexpected, an outage
    )
    app.state.predictor = Predictor()
    app.state.max_predict_rows = settings.api_max_predict_rows  # read once: settings take milliseconds to read
    install_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)  # inside CORS: a browser may read its 413
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )

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

    return app
