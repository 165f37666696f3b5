"""The project page's charts as plotly figures, every one on the data's own time axis (window ends, target times),
never on the wall-clock time rows were written at. Each is embedded as a div that plotly.js draws (hover, zoom).
Values go in as plain lists: the page then holds readable JSON, not plotly's base64 arrays."""

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go
import plotly.io
from plotly.subplots import make_subplots

from service.api.schemas import ModelEvent, MonitoringRow

ROLE_COLOURS = {"champion": "#1f77b4", "shadow": "#9467bd", "baseline": "#7f7f7f", "actual": "#2ca02c"}
WARN, ALERT = "#ff7f0e", "#d62728"
HEIGHT = 320
DRIFT_LINES = {  # FeatureDrift field -> legend label, line style
    "psi": ("PSI (level checks: shift)", {"color": ROLE_COLOURS["champion"]}),
    "warn_at": ("warn threshold", {"color": WARN, "dash": "dot"}),
    "alert_at": ("alert threshold", {"color": ALERT, "dash": "dash"}),
}


def outcomes_chart(outcomes: dict[str, pd.DataFrame]) -> go.Figure:
    """What happened, and what the champion (and the shadow beside it) forecast for it."""
    figure = _figure("Forecasts against what happened (realised forecasts of the current champion)")
    if "champion" in outcomes:
        actual = outcomes["champion"]
        figure.add_scatter(
            x=_naive(actual["time"]), y=actual["actual"].tolist(), name="actual", line_color=ROLE_COLOURS["actual"]
        )
    for role, shown in outcomes.items():
        figure.add_scatter(
            x=_naive(shown["time"]),
            y=shown["predicted"].tolist(),
            name=f"{role} forecast",
            line_color=ROLE_COLOURS[role],
        )
    return _or_empty(figure)


def decay_chart(rows: Sequence[MonitoringRow]) -> go.Figure:
    """The champion's live metric over the baseline's on the same rows, against the limit above which it decayed."""
    figure = _figure("Decay: champion's live error over the baseline's (decayed above the limit)")
    points = [row for row in rows if row.metrics.decay is not None]
    if points:
        times = _naive([row.window_end for row in points])
        figure.add_scatter(x=times, y=[row.metrics.decay.ratio for row in points], name="ratio", mode="lines+markers")
        figure.add_scatter(
            x=times, y=[row.metrics.decay.limit for row in points], name="limit", line={"color": ALERT, "dash": "dash"}
        )
    return _or_empty(figure)


def drift_chart(rows: Sequence[MonitoringRow]) -> go.Figure:
    """One panel per feature: its PSI per window against its own warn and alert thresholds (calibrated for the
    window's size, so they move); a level check's panel shows its shift against its alert threshold."""
    features = sorted({feature for row in rows for feature in row.drift})
    if not features:
        return _or_empty(_figure("Feature drift (PSI)"))
    figure = make_subplots(
        rows=len(features), cols=1, shared_xaxes=True, subplot_titles=features, vertical_spacing=0.06
    )
    for number, feature in enumerate(features, start=1):
        points = [(row.window_end, row.drift[feature]) for row in rows if feature in row.drift]
        times = _naive([when for when, _ in points])
        for field, (label, line) in DRIFT_LINES.items():
            figure.add_scatter(
                x=times,
                y=[
                    stats.shift if field == "psi" and stats.psi is None else getattr(stats, field)
                    for _, stats in points
                ],
                name=label,
                hovertext=feature,
                line=line,
                legendgroup=field,
                showlegend=number == 1,
                row=number,
                col=1,
            )
    figure.update_layout(
        title="Feature drift: PSI per window against its warn and alert thresholds", height=180 * len(features) + 100
    )
    return figure


def versions_chart(rows: Sequence[MonitoringRow], events: Sequence[tuple[datetime, ModelEvent]]) -> go.Figure:
    """Which version was champion and which shadow at each monitored window, and the moves of the roles."""
    figure = _figure("Which version served when (champion, shadow) and the moves of the roles")
    times = _naive([row.window_end for row in rows])
    for role, versions in (
        ("champion", [row.model_version for row in rows]),
        ("shadow", [row.shadow_version for row in rows]),
    ):
        if any(versions):
            numbers = [int(version) if version else None for version in versions]
            figure.add_scatter(x=times, y=numbers, name=role, line={"shape": "hv", "color": ROLE_COLOURS[role]})
    if events:
        figure.add_scatter(
            x=_naive([when for when, _ in events]),
            y=[int(event.to_version) if event.to_version else None for _, event in events],
            mode="markers+text",
            text=[f"{event.action} v{event.to_version}" for _, event in events],
            textposition="top center",
            hovertext=[f"{event.action} v{event.to_version}: {event.reason}" for _, event in events],
            name="moves",
            marker={"size": 9, "symbol": "diamond", "color": "#000"},
        )
    drawn = [version for trace in figure.data for version in trace.y if version is not None]
    padded = [min(drawn) - 0.5, max(drawn) + 0.7] if drawn else None  # room for the moves' labels
    figure.update_yaxes(title="version", dtick=1, range=padded)
    return _or_empty(figure)


def live_chart(rows: Sequence[MonitoringRow], metric: str) -> go.Figure:
    """Champion and shadow side by side on live data: the selection metric per window, with the baseline's."""
    figure = _figure(
        f"Live {metric}: champion and baseline on the performance window, shadow and champion on its trial"
    )
    series = {
        "champion": [(row.window_end, (row.metrics.champion or {}).get(metric)) for row in rows],
        "baseline": [(row.window_end, (row.metrics.baseline or {}).get(metric)) for row in rows],
        "shadow": [(row.window_end, (row.shadow_trial.shadow or {}).get(metric)) for row in rows if row.shadow_trial],
        "champion on the shadow's trial": [
            (row.window_end, (row.shadow_trial.champion or {}).get(metric)) for row in rows if row.shadow_trial
        ],
    }
    for name, points in series.items():
        if any(value is not None for _, value in points):
            role = name.split()[0]
            dash = "dot" if name != role else None
            figure.add_scatter(
                x=_naive([when for when, _ in points]),
                y=[value for _, value in points],
                name=name,
                mode="lines+markers",
                line={"color": ROLE_COLOURS[role], "dash": dash},
            )
    figure.update_yaxes(title=metric)
    return _or_empty(figure)


def embed(figure: go.Figure, div_id: str) -> str:
    """The figure as a div plus the script that draws it (plotly.min.js is loaded once by the page)."""
    return plotly.io.to_html(
        figure,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def _figure(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        title=title,
        height=HEIGHT,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        xaxis_title="data time (UTC)",
    )
    return figure


def _or_empty(figure: go.Figure) -> go.Figure:
    """The figure, with a note in place of the plot when it has no trace."""
    if not figure.data:
        figure.add_annotation(text="no data yet", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return figure


def _naive(times) -> list[str]:
    """UTC times without their zone: plotly.js reads zone offsets inconsistently, the axes say UTC instead."""
    return pd.to_datetime(pd.Series(list(times), dtype=object), utc=True).dt.strftime("%Y-%m-%d %H:%M:%S").tolist()
