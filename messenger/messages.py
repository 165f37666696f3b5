"""Alerts for the situations the platform reports, and their Block Kit rendering."""

import math
from typing import Any

from messenger import links
from messenger.model import Alert

SEVERITY_ICONS = {"info": ":information_source:", "warning": ":warning:", "alert": ":rotating_light:"}


def monitoring_alert(
    project: str,
    scope: str,
    decision: str,
    reasons: list[str],
    metrics: dict[str, tuple[float, float]],
    drift: dict[str, dict],
    airflow_run_url: str | None,
    mlflow_model_url: str | None,
    run_id: str,
    retrain: bool,
) -> Alert:
    """Decay or drift of a champion: each metric against its limit, the three most drifted features, links to the
    Airflow run, the MLflow model and the project's dashboard.

    `scope` is what is monitored (a market, a data stream); `drift` maps feature -> {psi, ks_pvalue, ...}."""
    fields = {name: f"{value:.3g} (limit {limit:.3g})" for name, (value, limit) in metrics.items()}
    fields["scope"] = scope
    measured = {feature: stats for feature, stats in drift.items() if math.isfinite(stats.get("psi") or math.nan)}
    top = sorted(measured.items(), key=lambda item: -item[1]["psi"] / max(item[1]["alert_at"], 1e-9))[:3]
    lines = [
        *reasons,
        *(
            f"`{feature}` PSI {stats['psi']:.3f} (alerts above {stats['alert_at']:.3f}), KS p {stats['ks_pvalue']:.2g}"
            for feature, stats in top
        ),
    ]
    return Alert(
        project=project,
        kind=decision,
        severity="alert",
        title=f"{project} {scope}: {decision} detected, "
        + ("retraining triggered" if retrain else "retraining held back"),
        dedup_key=f"monitoring:{scope}:{run_id}:{decision}",
        fields=fields,
        lines=lines,
        links=_links(project, airflow_run_url, mlflow_model_url),
    )


def no_champion_alert(project: str, model_name: str, period: str, airflow_run_url: str | None) -> Alert:
    """Inference has nothing to serve; sent once per `period` (the cooldown bucket it fell in), not every hour."""
    return Alert(
        project=project,
        kind="no_champion",
        severity="alert",
        title=f"{project}: no champion for {model_name}, inference skipped",
        dedup_key=f"no_champion:{model_name}:{period}",
        fields={"model": model_name},
        lines=["Run the train workflow; a version becomes champion only through its gate."],
        links=_links(project, airflow_run_url, links.mlflow_model_url(model_name, None)),
    )


def shadow_alert(
    project: str, model_name: str, action: str, version: str, reason: str, run_id: str, airflow_run_url: str | None
) -> Alert:
    """A shadow earned its promotion on live data, or lost it and was retired."""
    earned = action == "promote"
    return Alert(
        project=project,
        kind=f"shadow_{action}",
        severity="info" if earned else "warning",
        title=f"{project}: shadow v{version} of {model_name} "
        + ("earned its promotion: it is champion now" if earned else "lost on live data and was retired"),
        dedup_key=f"shadow:{model_name}:{version}:{action}",
        fields={"model": model_name, "version": version},
        lines=[reason],
        links=_links(project, airflow_run_url, links.mlflow_model_url(model_name, version)),
    )


def held_back_alert(
    project: str,
    model_name: str,
    outcome: str,
    version: str,
    reason: str,
    run_id: str,
    airflow_run_url: str | None = None,
) -> Alert:
    """A move of a role that did not happen: `superseded` (the role moved since it was judged: a promotion by hand,
    another training) or `stale` (a training older than the data the champion has seen). The champion stays."""
    return Alert(
        project=project,
        kind=outcome,
        severity="warning",
        title=f"{project}: v{version} of {model_name} was held back ({outcome}); the champion did not change",
        dedup_key=f"{outcome}:{model_name}:{version}:{run_id}",
        fields={"model": model_name, "version": version, "run": run_id},
        lines=[reason, NEXT_AFTER_HELD_BACK[outcome].format(version=version)],
        links=_links(project, airflow_run_url, links.mlflow_model_url(model_name, version)),
    )


NEXT_AFTER_HELD_BACK = {
    "superseded": "Next: nothing retries it; if v{version} should still serve, move it by hand naming the version "
    "that holds the role now (`mlops models promote` or `shadow` with `--expect`).",
    "stale": "Next: nothing retries it; train with an end after the champion's fit end to challenge it.",
}


def blocks(alert: Alert) -> list[dict[str, Any]]:
    """Block Kit: header, fields, detail lines, then link buttons."""
    rendered: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
    ]
    if alert.fields:
        fields = [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in alert.fields.items()]
        rendered.append({"type": "section", "fields": fields[:10]})
    if alert.lines:
        rendered.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "\n".join(f"• {line}" for line in alert.lines)[:3000]},
            }
        )
    rendered.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"{SEVERITY_ICONS.get(alert.severity, '')} {alert.severity} · {alert.project} · {alert.kind}",
                }
            ],
        }
    )
    if alert.links:
        buttons = [
            {"type": "button", "text": {"type": "plain_text", "text": label}, "url": url}
            for label, url in alert.links.items()
        ]
        rendered.append({"type": "actions", "elements": buttons})
    return rendered


def plain_text(alert: Alert) -> str:
    """The notification text (and the console line): everything in the blocks, without formatting."""
    parts = [alert.title, *(f"{name}: {value}" for name, value in alert.fields.items()), *alert.lines]
    parts += [f"{label}: {url}" for label, url in alert.links.items()]
    return " | ".join(parts)


def _links(project: str, airflow_run_url: str | None, mlflow_model_url: str | None) -> dict[str, str]:
    """The Airflow run, the MLflow model and the project's dashboard, each where it has a URL."""
    urls = {"Airflow run": airflow_run_url, "MLflow model": mlflow_model_url, "Dashboard": links.dashboard_url(project)}
    return {label: url for label, url in urls.items() if url}
