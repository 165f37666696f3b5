"""What every project's monitor task unit shares: the decision, the retrain cooldown, when to tell Slack.

Projects compute their own performance metrics and decay reasons (an error ratio for a forecaster, an error
rate for a classifier); drift statistics come from service.drift.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, exists, select

from compose.specs import MonitoringThresholds
from db_handler import upsert
from db_handler.tables import retrain_requests, workflow_runs

ALERTING = ("drift", "decay", "drift+decay")
TRAIN_STAGES = ("train.prepare", "train")


def decide(
    decay_reasons: list[str],
    drift: dict[str, dict],
    rows: int,
    thresholds: MonitoringThresholds,
    has_model: bool = True,
) -> tuple[str, list[str]]:
    """(decision, reasons): drift, decay, drift+decay, warn, insufficient_data, ok, or no_model.

    Drift needs `min_drifted_share` of the monitored features to alert at once; decay reasons only count with
    at least `min_joined_rows` rows."""
    if not has_model:
        return "no_model", ["no champion to monitor"]
    enough_rows = rows >= thresholds.min_joined_rows
    decayed = enough_rows and bool(decay_reasons)
    reasons = list(decay_reasons) if decayed else []
    alerting = [feature for feature, stats in drift.items() if stats["level"] == "alert"]
    drifted = bool(drift) and len(alerting) >= thresholds.min_drifted_share * len(drift)
    if drifted:
        reasons.append("drift in " + ", ".join(f"{f} (PSI {drift[f]['psi']:.2f})" for f in alerting))
    if decayed or drifted:
        return "+".join(name for name, flag in (("drift", drifted), ("decay", decayed)) if flag), reasons
    warned = [feature for feature, stats in drift.items() if stats["level"] in ("warn", "alert")]
    if warned:
        return "warn", [f"PSI above {thresholds.psi_warn} in " + ", ".join(warned)]
    if not enough_rows:
        return "insufficient_data", [f"{rows} predictions with known outcomes (need {thresholds.min_joined_rows})"]
    return "ok", ["within limits"]


@dataclass(frozen=True)
class RetrainVerdict:
    retrain: bool  # trigger the train workflow now
    requested: bool  # a retrain stands requested for this window (now or by an earlier run of it)
    alert: bool  # tell Slack: a retrain is triggered, or trouble has just started
    note: str | None = None


def retrain_verdict(
    conn: Connection,
    project: str,
    scope: str,
    end: datetime,
    decision: str,
    previous_decision: str | None,
    reasons: list[str],
    run_id: str,
    thresholds: MonitoringThresholds,
) -> RetrainVerdict:
    """Apply the cooldown (in data time: a replay of old data behaves like live) and record a new request.

    No retrain while a training runs, or when a training's window or a request ended within the cooldown
    before `end`, or later."""
    wants = decision in ALERTING
    since = end - timedelta(hours=thresholds.retrain_cooldown_hours)
    asked_for_this_window = conn.execute(
        select(
            exists().where(
                retrain_requests.c.project == project,
                retrain_requests.c.scope == scope,
                retrain_requests.c.window_end == end,
            )
        )
    ).scalar_one()
    cooling = conn.execute(
        select(
            exists().where(
                retrain_requests.c.project == project,
                retrain_requests.c.scope == scope,
                retrain_requests.c.window_end >= since,
            )
            | exists().where(
                workflow_runs.c.project == project,
                workflow_runs.c.stage.in_(TRAIN_STAGES),
                (workflow_runs.c.status == "running") | (workflow_runs.c.interval_end >= since),
            )
        )
    ).scalar_one()
    retrain = wants and not cooling
    if retrain:
        upsert(
            conn,
            retrain_requests,
            [
                {
                    "project": project,
                    "scope": scope,
                    "window_end": end,
                    "reason": "; ".join(reasons),
                    "run_id": run_id,
                    "requested_at": datetime.now(UTC),
                }
            ],
            key=("project", "scope", "window_end"),
            touch=("requested_at", "run_id"),
        )
    note = None
    if wants and not retrain:
        note = f"no retrain: one is running, or ran or was requested within {thresholds.retrain_cooldown_hours} h"
    # Slack hears of a retrain, or of the step into trouble; not again every hour while the trouble lasts
    alert = wants and (retrain or previous_decision not in ALERTING)
    return RetrainVerdict(retrain, retrain or asked_for_this_window, alert, note)
