"""A small dashboard served by the API: one HTML page per project with four plots drawn on the server
(matplotlib PNGs): forecasts against outcomes, live error against its limit, drift per feature over time, and
which version served when. No front-end build chain."""

import html
import importlib
import io
from datetime import UTC, datetime

import pandas as pd
from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sqlalchemy import select

from db_handler import get_engine
from service import registry
from service.events import list_events
from service.projects import discover

PSI_FLOOR = 1e-3  # a PSI of 0 drawn at the bottom of the log scale

PLOTS = {
    "outcomes": "Predictions against what happened",
    "error": "Live error against the champion's test error (decay above the limit)",
    "drift": "Feature drift (PSI) over time",
    "champions": "Which version served when",
}


def add_routes(app: FastAPI, table, model_names) -> None:
    @app.get("/dashboard", response_class=HTMLResponse)
    def index() -> str:
        links = "".join(f'<li><a href="/dashboard/{name}">{name}</a></li>' for name in discover())
        return _page("Projects", f"<ul>{links}</ul>")

    @app.get("/dashboard/{project}", response_class=HTMLResponse)
    def project_page(project: str) -> str:
        monitoring = table(project, "monitoring")
        with get_engine().connect() as conn:
            latest = conn.execute(select(monitoring).order_by(monitoring.c.window_end.desc()).limit(1)).first()
        champions = []
        for name in model_names(project):
            version = registry.version_by_alias(name, registry.CHAMPION)
            champions.append(
                f"<li><b>{html.escape(name)}</b>: champion {'v' + str(version.version) if version else 'none yet'}</li>"
            )
        status = (
            f"latest monitoring: <b id='decision'>{html.escape(latest.decision)}</b> for the window ending "
            f"{latest.window_end:%Y-%m-%d %H:%M} UTC ({html.escape(latest.reason)})"
            if latest
            else "no monitoring yet"
        )
        figures = "".join(
            f'<img id="plot-{name}" src="/dashboard/{project}/plots/{name}.png" alt="{title}">'
            for name, title in PLOTS.items()
        )
        return _page(project, f"<ul id='champions'>{''.join(champions)}</ul><p id='status'>{status}</p>{figures}")

    @app.get("/dashboard/{project}/plots/{name}.png")
    def plot(project: str, name: str) -> Response:
        if name not in PLOTS:
            raise HTTPException(404, f"no plot {name!r}; plots: {', '.join(PLOTS)}")
        figure = Figure(figsize=(10, 3.2))  # not pyplot: its global state is not safe across the server's threads
        axis = figure.subplots()
        points = {"outcomes": _outcomes, "error": _error, "drift": _drift, "champions": _champions}[name](
            axis, project, table, model_names
        )
        if not points:
            axis.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=axis.transAxes)
        axis.set_title(PLOTS[name], fontsize=10)
        figure.autofmt_xdate()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        headers = {"Cache-Control": "no-store", "X-Plot-Points": str(points)}  # how many data points it shows
        return Response(buffer.getvalue(), media_type="image/png", headers=headers)


def _outcomes(axis, project, table, model_names) -> int:
    """The project's `utils.queries.outcomes(conn, limit)`: time, predicted, actual."""
    outcomes = getattr(importlib.import_module(f"projects.{project}.utils.queries"), "outcomes", None)
    if outcomes is None:
        return 0
    with get_engine().connect() as conn:
        frame = outcomes(conn, 168)
    if frame.empty:
        return 0
    axis.plot(frame["time"], frame["actual"], label="actual", linewidth=1)
    axis.plot(frame["time"], frame["predicted"], label="predicted", linewidth=1, alpha=0.8)
    axis.legend(loc="upper left")
    return len(frame)


def _monitoring_rows(project, table) -> pd.DataFrame:
    monitoring = table(project, "monitoring")
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(monitoring.c.window_end, monitoring.c.metrics, monitoring.c.drift, monitoring.c.decision).order_by(
                monitoring.c.window_end
            )
        ).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=["window_end", "metrics", "drift", "decision"])


def _error(axis, project, table, model_names) -> int:
    rows = _monitoring_rows(project, table)
    decay = [(row.window_end, (row.metrics or {}).get("decay", {})) for row in rows.itertuples()]
    points = [(when, entry["ratio"], entry["limit"]) for when, entry in decay if entry.get("ratio") is not None]
    if not points:
        return 0
    times, ratios, limits = zip(*points)
    axis.plot(times, ratios, marker="o", markersize=3, label="live error / champion's test error")
    axis.plot(times, limits, linestyle="--", color="red", label="decay limit")
    axis.legend(loc="upper left")
    return len(points)


def _drift(axis, project, table, model_names) -> int:
    rows = _monitoring_rows(project, table)
    series: dict[str, list] = {}
    for row in rows.itertuples():
        for feature, stats in (row.drift or {}).items():
            series.setdefault(feature, []).append((row.window_end, max(stats["psi"], PSI_FLOOR)))
    if not series:
        return 0
    for feature, points in series.items():
        axis.plot(*zip(*points), label=feature, linewidth=1)
    thresholds = importlib.import_module(f"projects.{project}.utils").load_spec_from_config().monitoring
    axis.axhline(thresholds.psi_warn, color="orange", linestyle=":", label=f"warn {thresholds.psi_warn}")
    axis.axhline(thresholds.psi_alert, color="red", linestyle="--", label=f"alert {thresholds.psi_alert}")
    axis.set_yscale("log")
    axis.legend(loc="upper left", fontsize=7, ncol=3)
    return sum(len(points) for points in series.values())


def _champions(axis, project, table, model_names) -> int:
    drawn = 0
    for name in model_names(project):
        moves = [
            event
            for event in reversed(list_events(get_engine(), project, name, limit=1000))
            if event["action"] in ("promote", "rollback")
        ]
        if moves:
            times, versions = [e["created_at"] for e in moves], [int(e["to_version"]) for e in moves]
            axis.step([*times, datetime.now(UTC)], [*versions, versions[-1]], where="post", label=name)
            axis.plot(times, versions, "o", color=axis.lines[-1].get_color())
            for event, when, version in zip(moves, times, versions):
                axis.annotate(
                    f"{event['action']} v{version}",
                    (when, version),
                    fontsize=7,
                    textcoords="offset points",
                    xytext=(3, 4),
                )
            drawn += len(moves)
    if drawn:
        axis.set_ylabel("champion version")
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_ylim(0.5, max(line.get_ydata().max() for line in axis.lines) + 0.5)
        axis.legend(loc="upper left", fontsize=8)
    return drawn


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.5em;max-width:1000px}} img{{width:100%;margin:0.5em 0}}</style>
</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"""
