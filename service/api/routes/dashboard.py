"""The dashboard's pages and static files (plotly.min.js from the plotly wheel). Not part of the API's schema:
they answer HTML for people, from the same reads as the API."""

from pathlib import Path

import plotly
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from service.api.catalog import known_project
from service.api.dashboard.overview import overview
from service.api.dashboard.project import project_page
from service.api.errors import shown

router = APIRouter(include_in_schema=False)
STATIC_FILES = {
    "plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    "dashboard.js": Path(__file__).parents[1] / "dashboard" / "static" / "dashboard.js",
    "dashboard.css": Path(__file__).parents[1] / "dashboard" / "static" / "dashboard.css",
}


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/dashboard")


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> str:
    return overview()


@router.get("/dashboard/{project}", response_class=HTMLResponse)
def project_dashboard(project: str, partition: str | None = None) -> str:
    known = known_project(project)
    return project_page(known, known.partition(partition) if partition else known.partitions[0])


@router.get("/dashboard/static/{name}")
def static(name: str) -> FileResponse:
    if name not in STATIC_FILES:
        raise HTTPException(404, f"no static file {shown(name)}")
    return FileResponse(STATIC_FILES[name], headers={"Cache-Control": "public, max-age=3600"})
