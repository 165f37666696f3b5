"""Stage `monitor`: how the champion's forecasts of a partition fared, whether its inputs drifted, what to do.

Decay is scale-free: the champion's live error against its companion baseline's on the same realised rows.
Drift compares the recent features with the window the served model was fitted on (extended to the last test
window a gate kept it on), with thresholds calibrated for the window size; a shift that window ends in is
acknowledged, not alarmed about again (service.monitoring.drift). A rise in the level of scale-like features
(hourly ranges) over the weeks before is drift too (service.monitoring.level). Either one alerts Slack once when
trouble starts, and asks for a retrain unless the cooldown holds it back (service.monitoring.verdict). Once the
served model has seen data of the drift episode under way (the runs since the last `ok`: a retrain after its first
alarm did that), drift without decay is a warning: one retrain per episode, and decay still alerts. A shadow on
trial is scored beside the champion on the same rows; once it has `live_hours` of outcomes it is promoted or
retired.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, or_, select

from compose.config import ConfigSet
from db_handler import upsert
from db_handler.types import json_safe
from lifecycle.contract import DataError, Project
from lifecycle.reads import newest, read_features, read_predictions, read_raw
from lifecycle.records import per_partition, project_engine, stage_run, utc
from lifecycle.stages.train import skill
from messenger.delivery import notify
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import held_back_alert, monitoring_alert, shadow_alert
from service.models import registry
from service.models.events import SUPERSEDED
from service.models.registry import CHAMPION, SHADOW
from service.models.roles import promote_shadow, retire_shadow
from service.monitoring.decision import ALERTING, decay_reasons, decide
from service.monitoring.drift import drift_after_acknowledged
from service.monitoring.level import level_drift
from service.monitoring.verdict import retrain_verdict


def monitor(
    project: Project,
    end: datetime | str | None = None,
    partition: str | None = None,
    config: str | ConfigSet = "default",
    run_id: str | None = None,
    dag_id: str | None = None,
) -> dict[str, Any]:
    """Monitor the windows ending at `end` (default: after the newest stored row) for every partition (or one)."""
    spec = project.spec(config)
    return per_partition(
        project, spec, partition, lambda name: check_partition(project, name, end, spec, run_id, dag_id)
    )


def check_partition(
    project: Project,
    partition: str,
    end: datetime | str | None,
    spec: ConfigSet,
    run_id: str | None,
    dag_id: str | None,
) -> dict[str, Any]:
    """One monitoring row for the partition; the summary's `retrain` says whether to trigger the train workflow
    (the cooldown is already applied)."""
    config, tables, name = spec.monitoring, project.tables, project.model_name(partition)
    engine = project_engine(project)
    end = _end(engine, project, partition, end)
    with stage_run(engine, project, "monitor", run_id, end=end, partition=partition) as run:
        champion = registry.version_by_alias(name, CHAMPION)  # an unreachable registry raises (retried)
        shadow = registry.version_by_alias(name, SHADOW) if champion is not None else None
        performance_start = end - timedelta(hours=config.performance_window_hours)
        drift_start = end - timedelta(hours=config.drift_window_hours)
        live, drift, rows, unrealised, shadow_result, acknowledged = {}, {}, 0, 0, None, None
        if champion is not None:
            with engine.connect() as conn:
                realised, unrealised = realised_forecasts(
                    conn, project, partition, performance_start, end, champion, None, spec
                )
                drift = _drift(conn, project, partition, champion, drift_start, end, spec)
                acknowledged = _acknowledged(conn, project, partition, end, champion)
            live, rows = live_scores(project, realised, spec, ("champion", "baseline"))
            if shadow is not None:
                shadow_result = _judge_shadow(
                    engine, project, partition, end, champion, shadow, spec, run.run_id, dag_id
                )
        metric = spec.train.selection_metric
        decay = decay_reasons(live.get("ratio"), metric, config) if rows >= config.min_joined_rows else []
        decision, reasons = decide(decay, drift, rows, config, champion is not None, acknowledged)
        metrics = json_safe(
            {**live, "unrealised": unrealised, "decay": _decay_point(live, config), "shadow": shadow_result}
        )
        with engine.begin() as conn:
            previous = _previous_decision(conn, project, partition, end)
            verdict = retrain_verdict(
                conn,
                project.name,
                name,
                end,
                decision,
                previous,
                reasons,
                run.run_id,
                config,
                timedelta(hours=spec.train.in_flight_timeout_hours),
            )
            row = {
                **({tables.partition: partition} if tables.partition else {}),
                "window_end": end,
                "performance_window_start": performance_start,
                "drift_window_start": drift_start,
                "model_name": name,
                "model_version": str(champion.version) if champion else None,
                "shadow_version": str(shadow.version) if shadow else None,
                "rows_joined": rows,
                "metrics": metrics,
                "drift": json_safe(drift),
                "decision": decision,
                "reason": "; ".join(reasons),
                "retrain_requested": verdict.requested,
                "airflow_run_id": run.run_id,
                "created_at": datetime.now(UTC),
            }
            keys = [column.name for column in tables.monitoring.primary_key.columns]
            run.rows_written = upsert(
                conn, tables.monitoring, [row], key=keys, touch=("airflow_run_id", "created_at")
            ).written
        reasons += [verdict.note] if verdict.note else []
        delivery = None
        if verdict.alert:
            alert = monitoring_alert(
                project=project.name,
                scope=partition if tables.partition else name,
                decision=decision,
                reasons=reasons,
                metrics={f"live {metric} / baseline's": (live.get("ratio", float("nan")), config.decay_vs_baseline)},
                drift=drift,
                airflow_run_url=airflow_run_url(dag_id, run.run_id) if dag_id else None,
                mlflow_model_url=mlflow_model_url(name, row["model_version"]),
                run_id=run.run_id,
                retrain=verdict.retrain,
            )
            delivery = notify(alert, engine)
        run.summary = {
            "partition": partition,
            "end": end.isoformat(),
            "decision": decision,
            "reasons": reasons,
            "retrain": verdict.retrain,
            "model": name,
            "version": row["model_version"],
            "rows_joined": rows,
            "unrealised": unrealised,
            "live": metrics,
            "drift": {feature: stats.get("psi", stats.get("shift")) for feature, stats in drift.items()},
            "shadow": shadow_result,
            "alert": delivery.status if delivery else None,
        }
    return run.summary


def live_scores(project: Project, realised: pd.DataFrame, spec: ConfigSet, roles: tuple[str, ...]) -> tuple[dict, int]:
    """Metrics of each of `roles` on the rows all of them forecast and whose outcome is known, each with its skill
    against the baseline's on those rows, and the ratio of the first's selection metric to the second's (above 1:
    the first is worse, whichever way the metric points)."""
    keys = _forecast_key(project)
    by_role = {role: realised.loc[realised["role"] == role].set_index(keys) for role in roles}
    common = by_role[roles[0]].index
    for rows in by_role.values():
        common = common.intersection(rows.index)
    if common.empty:
        return {}, 0
    scores = {
        role: project.hooks.score(
            rows.loc[common].reset_index(), rows.loc[common, "predicted"].to_numpy(dtype=float), spec
        )
        for role, rows in by_role.items()
    }
    if "baseline" in scores:
        scores = {role: {**values, "skill": skill(values, scores["baseline"], spec)} for role, values in scores.items()}
    metric = spec.train.selection_metric
    first, second = scores[roles[0]][metric], scores[roles[1]][metric]
    ratio = (
        (second / first if first else float("inf"))
        if spec.train.higher_is_better
        else (first / second if second else float("inf"))
    )
    return {**scores, "ratio": ratio, "metric": metric}, len(common)


def realised_forecasts(
    conn: Connection, project, partition, start, end, champion, shadow, spec
) -> tuple[pd.DataFrame, int]:
    """Forecasts of the roles with prediction_time in [start, end), joined by key to their outcomes; (the rows
    whose outcome is known, the number still unknown)."""
    served = str(champion.version)
    # a promoted shadow's forecasts from its trial are the champion's too: it made them live, just unserved
    made_by = [("champion", served), ("baseline", served), ("shadow", served)]
    if shadow is not None:
        made_by.append(("shadow", str(shadow.version)))
    forecasts = read_predictions(conn, project.tables, partition, start, end, made_by)
    by_champion = (forecasts["model_version"] == served) & (forecasts["role"] == "shadow")
    forecasts["role"] = forecasts["role"].mask(by_champion, "champion")
    forecasts = forecasts.sort_values("created_at").drop_duplicates([*_forecast_key(project), "role"], keep="last")
    forecasts = forecasts.assign(predicted=forecasts[project.output].astype(float))
    if forecasts.empty:
        return forecasts.assign(target=[]), 0
    truth = read_raw(
        conn, project.tables, partition, forecasts[project.tables.prediction_time].min() - project.cadence, end
    )
    realised = project.realise(forecasts, truth, spec)
    known = realised["target"].notna()
    return realised.loc[known], int((~known & (realised["role"] == "champion")).sum())


def _drift(conn: Connection, project, partition, champion, start, end, spec) -> dict[str, dict]:
    """Recent features against the reference window of the served model (drift_reference): PSI of the drift
    window, and the level of the level features over the weeks before `end`."""
    if "fit_start" not in champion.tags:
        return {}
    config, time = spec.monitoring, project.tables.time
    columns = list(dict.fromkeys(config.drift_features + config.level_features))
    reference = read_features(conn, project.tables, partition, *drift_reference(champion.tags), columns)
    level_start = end - timedelta(hours=config.level_window_hours + config.level_baseline_hours)
    history = read_features(conn, project.tables, partition, min(start, level_start), end, columns)
    recent = history[history[time] >= start]
    return {**drift_after_acknowledged(reference, recent, config), **level_drift(reference, history, time, config)}


def drift_reference(tags: dict[str, str]) -> tuple[datetime, datetime]:
    """The rows the served model is known to handle: the window it was fitted on (kept as tags on its version),
    extended to the end of the last test window on which a gate kept it as it is (`validated_end`: a champion
    without a recipe to refit). Without the extension such a champion, confirmed by a drift-triggered retrain,
    would stay "drifted" against its old fit window, and retrain again after every cooldown with the same outcome."""
    fit_end = utc(tags["fit_end"])
    return utc(tags["fit_start"]), max(fit_end, utc(tags.get("validated_end", fit_end)))


def _judge_shadow(engine, project, partition, end, champion, shadow, spec, run_id, dag_id) -> dict[str, Any]:
    """Score the shadow beside the champion over the last `live_hours`; decide once it has that much evidence."""
    policy, name = spec.train.promotion, project.model_name(partition)
    start = end - timedelta(hours=policy.live_hours)
    with engine.connect() as conn:
        realised, _ = realised_forecasts(conn, project, partition, start, end, champion, shadow, spec)
    with_baseline = ("baseline",) if (realised["role"] == "baseline").any() else ()  # a hand-made champion may lack one
    live, rows = live_scores(project, realised, spec, ("shadow", "champion", *with_baseline))
    result = {"version": str(shadow.version), "rows": rows, **json_safe(live)}
    times = realised.loc[realised["role"] == "shadow", project.tables.prediction_time]
    covered = (times.max() - times.min() + project.cadence) if len(times) else timedelta(0)
    if covered < timedelta(hours=policy.live_hours) or not np.isfinite(live.get("ratio", np.nan)):
        return {**result, "verdict": "on trial", "hours": covered.total_seconds() / 3600}
    metric, gain = live["metric"], 1 - live["ratio"]
    numbers = {
        "shadow": live["shadow"],
        "champion": live["champion"],
        "hours": policy.live_hours,
        "margin": policy.live_margin,
    }
    if gain > policy.live_margin:
        reason = f"shadow beat the champion's live {metric} by {gain:.2%} over {policy.live_hours} h (margin {policy.live_margin:.2%})"
        verdict = promote_shadow
    else:
        reason = f"shadow did not beat the champion's live {metric} by {policy.live_margin:.2%} over {policy.live_hours} h ({gain:+.2%})"
        verdict = retire_shadow
    pair = {"champion": str(champion.version), "shadow": str(shadow.version)}  # moved by hand since: superseded
    event = verdict(engine, project.name, name, reason, json_safe(numbers), run_id, **pair)
    link = airflow_run_url(dag_id, run_id) if dag_id else None
    if event.action == SUPERSEDED:
        alert = held_back_alert(project.name, name, SUPERSEDED, pair["shadow"], event.reason, run_id, link)
    else:
        alert = shadow_alert(project.name, name, event.action, pair["shadow"], reason, run_id, link)
    notify(alert, engine)
    return {**result, "verdict": event.action, "reason": event.reason}


def _decay_point(live: dict, config) -> dict[str, float] | None:
    """What the dashboard plots: the decay ratio against its limit."""
    return {"ratio": live["ratio"], "limit": config.decay_vs_baseline} if "ratio" in live else None


def _acknowledged(conn: Connection, project: Project, partition: str, end: datetime, champion) -> str | None:
    """Why the drift episode under way is acknowledged, or None: the served model was fitted (or kept by a gate)
    on data up to or after the episode's first alarm, so the retrain the alarm asked for has happened. An episode
    is the monitoring runs since the last `ok`."""
    if "fit_start" not in champion.tags:
        return None
    monitoring, earlier = project.tables.monitoring, _earlier_rows(project, partition, end)
    last_ok = select(func.max(monitoring.c.window_end)).where(*earlier, monitoring.c.decision == "ok").scalar_subquery()
    first_alarm = conn.execute(
        select(func.min(monitoring.c.window_end)).where(
            *earlier, or_(last_ok.is_(None), monitoring.c.window_end > last_ok), monitoring.c.decision.in_(ALERTING)
        )
    ).scalar_one_or_none()
    seen_until = drift_reference(champion.tags)[1]
    if first_alarm is None or seen_until < utc(first_alarm):
        return None
    return (
        f"v{champion.version} has seen data up to {seen_until:%Y-%m-%d %H:%M} (fitted or kept by a gate), after "
        f"this episode's first alarm at {utc(first_alarm):%Y-%m-%d %H:%M}; decay still alerts"
    )


def _previous_decision(conn: Connection, project: Project, partition: str, end: datetime) -> str | None:
    monitoring = project.tables.monitoring
    query = select(monitoring.c.decision).where(*_earlier_rows(project, partition, end))
    return conn.execute(query.order_by(monitoring.c.window_end.desc()).limit(1)).scalar_one_or_none()


def _earlier_rows(project: Project, partition: str, end: datetime) -> list:
    """Conditions for the partition's monitoring rows of windows ending before `end`."""
    monitoring, column = project.tables.monitoring, project.tables.partition
    return [monitoring.c.window_end < end, *([monitoring.c[column] == partition] if column else [])]


def _forecast_key(project: Project) -> list[str]:
    """What a forecast is of (the predictions key without model version and role), e.g. market + target time."""
    return [c.name for c in project.tables.predictions.primary_key.columns if c.name not in ("model_version", "role")]


def _end(engine, project: Project, partition: str, end) -> datetime:
    if end is not None:
        return utc(end)
    with engine.connect() as conn:
        stored = newest(conn, project.tables, project.tables.raw, project.tables.time, partition)
    if stored is None:
        raise DataError(f"{project.name} {partition}: no stored rows to monitor; run the data stage first")
    return stored + project.cadence
