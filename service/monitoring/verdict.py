"""The retrain verdict of a monitoring run: the cooldown, one training in flight at most, and when to alert.

The verdict is taken under a lock per registered model, so two monitoring runs racing on the same model trigger
one retrain between them. It is keyed by the monitored window: a retried run gets the verdict its first try took
(and triggers again, which Airflow deduplicates by the trigger's run id).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, exists, select

from compose.config import MonitoringConfig
from db_handler.locks import hold_lock
from db_handler.tables import retrain_requests, trainings
from db_handler.upsert import insert_once
from service.monitoring.decision import ALERTING


@dataclass(frozen=True)
class RetrainVerdict:
    retrain: bool  # trigger the train workflow now (or again, on a retry of the run that asked)
    requested: bool  # a retrain stands requested for this window
    alert: bool  # tell Slack: a retrain is triggered, or trouble has just started
    note: str | None = None


def retrain_verdict(
    conn: Connection,
    project: str,
    model_name: str,
    end: datetime,
    decision: str,
    previous_decision: str | None,
    reasons: list[str],
    run_id: str,
    config: MonitoringConfig,
    in_flight_timeout: timedelta,
) -> RetrainVerdict:
    """Apply the cooldown (in data time: a replay of old data behaves like live) and record a new request.

    No retrain while a training of the model is in flight (its tasks reported within `in_flight_timeout`), or when
    a training's window or a request ended within the cooldown before `end`."""
    hold_lock(conn, f"retrain:{project}:{model_name}")
    wants = decision in ALERTING
    alert = wants and previous_decision not in ALERTING  # Slack hears of the step into trouble, not every hour
    asked = conn.execute(
        select(retrain_requests.c.run_id).where(
            retrain_requests.c.project == project,
            retrain_requests.c.scope == model_name,
            retrain_requests.c.window_end == end,
        )
    ).scalar_one_or_none()
    if asked is not None:
        again = asked == run_id  # a retry of the run that asked gets the same answer
        return RetrainVerdict(again, True, alert or again, None if again else f"retrain already requested by {asked}")
    since = end - timedelta(hours=config.retrain_cooldown_hours)
    alive_since = datetime.now(UTC) - in_flight_timeout
    mine = (trainings.c.project == project) & (trainings.c.model_name == model_name)
    cooling = conn.execute(
        select(
            exists().where(
                retrain_requests.c.project == project,
                retrain_requests.c.scope == model_name,
                retrain_requests.c.window_end >= since,
            )
            | exists().where(mine, trainings.c.status == "running", trainings.c.heartbeat_at >= alive_since)
            | exists().where(mine, trainings.c.status != "failed", trainings.c.window_end >= since)
        )
    ).scalar_one()
    if not wants:
        return RetrainVerdict(False, False, False)
    if cooling:
        note = (
            f"no retrain: one is in flight, or one ran or was requested within {config.retrain_cooldown_hours} h "
            "of this window"
        )
        return RetrainVerdict(False, False, alert, note)
    insert_once(
        conn,
        retrain_requests,
        {
            "project": project,
            "scope": model_name,
            "window_end": end,
            "reason": "; ".join(reasons),
            "run_id": run_id,
            "requested_at": datetime.now(UTC),
        },
    )
    return RetrainVerdict(True, True, True)
