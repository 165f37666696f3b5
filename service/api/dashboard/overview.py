"""/dashboard: every project on one page: each partition's champion and shadow with their skill, the latest
monitoring decision, the last run of each workflow (with a trigger button), and recent alerts."""

from service.api.catalog import KnownProject, known_projects
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
from service.api.errors import safe
from service.api.reads.history import alerts_page
from service.api.reads.models import partition_models
from service.api.reads.monitoring import latest
from service.api.reads.workflows import LastRuns
from service.api.schemas import Workflow
from service.models.mlflow_client import RegistryUnavailable

RECENT_ALERTS = 5


def overview() -> str:
    last_runs = LastRuns()
    sections = "".join(_project(known, last_runs) for known in known_projects())
    token = (
        '<p class="token-note">Trigger buttons ask for the API token once; it is kept in this browser tab only '
        '(session storage). <button type="button" id="forget-token">forget the token</button></p>'
    )
    return page("Projects", token + sections)


def _project(known: KnownProject, last_runs: LastRuns) -> str:
    name = esc(known.name)
    return f"""<section class="project" id="project-{name}">
<h2><a href="/dashboard/{name}">{name}</a></h2><p class="muted">{esc(known.project.description)}</p>
{_models(known)}
<h3>Workflows</h3>{_workflows(known, last_runs)}
<h3>Recent alerts</h3>{_alerts(known)}
</section>"""


def _models(known: KnownProject) -> str:
    """One row per partition: who serves, how well on its test window, who is on trial, what monitoring said."""
    decisions = {row.partition: row for row in latest(known)}
    try:
        described = [partition_models(known, partition) for partition in known.partitions]
    except RegistryUnavailable as error:
        return f'<p class="note registry-note">The model registry did not answer: {esc(safe(error))}</p>'
    rows = []
    for models in described:
        decision = decisions.get(models.partition)
        rows.append(
            [
                partition_link(known.name, models.partition),
                champion_cell(models),
                skill_cell(models.champion),
                version_cell(models.shadow),
                (
                    f'<b class="decision">{esc(decision.decision)}</b> at {when(decision.window_end)}: '
                    f"{esc(decision.reason)}"
                    if decision
                    else '<span class="muted">not monitored yet</span>'
                ),
            ]
        )
    headers = ["partition", "champion", "skill vs baseline", "shadow", "latest monitoring"]
    return table(headers, rows, css="models")


def _workflows(known: KnownProject, last_runs: LastRuns) -> str:
    workflows = last_runs.workflows(known)
    rows = [
        [
            esc(workflow.kind),
            _last_run(workflow),
            f'<button type="button" class="trigger" data-project="{esc(known.name)}" data-kind="{esc(workflow.kind)}">'
            f'run {esc(workflow.kind)}</button> <span class="trigger-result"></span>',
        ]
        for workflow in workflows
    ]
    errors = sorted({workflow.error for workflow in workflows if workflow.error})
    notes = "".join(f'<p class="note airflow-note">Airflow: {esc(error)}</p>' for error in errors)
    return notes + table(["workflow", "last run", ""], rows, css="workflows")


def _last_run(workflow: Workflow) -> str:
    run = workflow.last_run
    if run is None:
        return '<span class="muted">unknown</span>' if workflow.error else '<span class="muted">no run yet</span>'
    return f'<span class="state state-{esc(run.state)}">{esc(run.state)}</span> {when(run.run_after)}'


def _alerts(known: KnownProject) -> str:
    alerts = alerts_page(known, RECENT_ALERTS, 0)
    if not alerts.items:
        return '<p class="muted">none</p>'
    rows = [
        [when(alert.created_at), esc(alert.severity), esc(alert.kind), esc(alert.title), esc(alert.status)]
        for alert in alerts.items
    ]
    return table(["sent", "severity", "kind", "title", "delivery"], rows, css="alerts") + (
        f'<p class="muted">{alerts.total} in all</p>' if alerts.total > RECENT_ALERTS else ""
    )
