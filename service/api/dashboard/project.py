"""/dashboard/{project}: one partition of a project (a selector lists the others): who serves and who is on
trial, the latest decision, and the charts of forecasts, decay, drift, versions and live skill."""

from service.api.catalog import KnownProject
from service.api.dashboard import charts
from service.api.dashboard.layout import (
    champion_cell,
    esc,
    page,
    partition_link,
    skill_cell,
    table,
    version_cell,
    when,
)
from service.api.reads.history import data_times, events_page
from service.api.reads.models import partition_models
from service.api.reads.monitoring import chart_rows
from service.api.reads.outcomes import outcomes
from service.api.schemas import ModelEvent, MonitoringRow, PartitionModels

RECENT_EVENTS = 20


def project_page(known: KnownProject, partition: str) -> str:
    models = partition_models(known, partition)
    rows = chart_rows(known, partition)
    events = events_page(known, partition, RECENT_EVENTS, 0).items
    placed = [(moment, event) for moment, event in zip(data_times(known, partition, events, rows), events) if moment]
    metric = known.spec.train.selection_metric
    figures = {
        "outcomes": charts.outcomes_chart(outcomes(known, models)),
        "decay": charts.decay_chart(rows),
        "drift": charts.drift_chart(rows),
        "versions": charts.versions_chart(rows, placed),
        "live": charts.live_chart(rows, metric),
    }
    body = (
        _selector(known, partition)
        + _roles(models, rows[-1] if rows else None)
        + _live(rows[-1] if rows else None)
        + "".join(charts.embed(figure, f"chart-{name}") for name, figure in figures.items())
        + _events(events)
    )
    return page(f"{known.name}: {partition}", body)


def _events(events: list[ModelEvent]) -> str:
    headers = ["when (wall clock)", "action", "version", "from", "by", "reason"]
    rows = (
        [when(event.created_at)]
        + [esc(value) for value in (event.action, event.to_version, event.from_version, event.actor, event.reason)]
        for event in events
    )
    return "<h2>Model events</h2>" + table(headers, rows, css="events")


def _selector(known: KnownProject, chosen: str) -> str:
    links = "".join(
        partition_link(known.name, partition, "partition chosen" if partition == chosen else "partition")
        for partition in known.partitions
    )
    return f'<nav id="partitions">partitions: {links}</nav>'


def _roles(models: PartitionModels, latest: MonitoringRow | None) -> str:
    decision = (
        f'latest monitoring: <b id="decision">{esc(latest.decision)}</b> for the window ending {when(latest.window_end)}'
        f" ({esc(latest.reason)})"
        if latest
        else '<span id="decision">not monitored yet</span>'
    )
    roles = table(
        ["role", "version", "skill vs baseline on its test window"],
        [
            ["champion", champion_cell(models), skill_cell(models.champion)],
            ["shadow", version_cell(models.shadow), skill_cell(models.shadow)],
            ["challenger", version_cell(models.challenger), skill_cell(models.challenger)],
        ],
        css="roles",
    )
    return f'<p class="model">registered model <b>{esc(models.model)}</b></p>{roles}<p id="status">{decision}</p>'


def _live(latest: MonitoringRow | None) -> str:
    """The newest window's live metrics of each role side by side (the shadow's over its trial window)."""
    if latest is None:
        return ""
    trial = latest.shadow_trial
    by_role = {
        "champion": latest.metrics.champion,
        "baseline": latest.metrics.baseline,
        **({f"shadow v{trial.version} ({trial.verdict})": trial.shadow} if trial else {}),
    }
    by_role = {role: metrics for role, metrics in by_role.items() if metrics}
    names = sorted({name for metrics in by_role.values() for name in metrics})
    rows = [[esc(role), *(_number(metrics.get(name)) for name in names)] for role, metrics in by_role.items()]
    return "<h2>Live metrics of the newest window</h2>" + table(["role", *names], rows, css="live")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
