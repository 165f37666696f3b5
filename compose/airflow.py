"""Defaults the workflows share (compose/workflows.py). Imported at DAG parse time, so it stays light: no pandas,
MLflow or SQLAlchemy."""

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param

from messenger.callbacks import on_failure, on_success

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "mlops",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "on_failure_callback": on_failure,
}
# DAG-level: a short summary when a whole run succeeds
DAG_CALLBACKS: dict[str, Any] = {"on_success_callback": on_success}
# Scheduling anchor only (catchup is off): early enough that a run for any historical logical date, e.g. a
# replay of 2017 candles, still has its tasks (Airflow silently skips tasks that start after a run's date).
START_DATE = datetime(2017, 1, 1, tzinfo=UTC)

INTERVAL_PARAMS_HELP = "ISO 8601 UTC; leave empty to use the run's data interval"
CONFIG_PARAM = Param("default", type="string", description="config set of the project (configs/project.py)")


def interval_of(context: dict[str, Any]) -> tuple[str, str]:
    """The interval a task works on, as ISO strings, from the first of:

    1. `start`/`end` params (a backfill or replay triggered from the UI or the CLI with --conf);
    2. the intervals carried by the asset events that triggered the run (their union);
    3. the run's data interval; a point interval (asset or trigger schedules) becomes the hour before it.
    """
    params = context.get("params") or {}
    events = [event for group in (context.get("triggering_asset_events") or {}).values() for event in group]
    extras = [event.extra for event in events if event.extra and "start" in event.extra and "end" in event.extra]
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if extras:
        start, end = min(extra["start"] for extra in extras), max(extra["end"] for extra in extras)
    elif start is not None and start == end:
        start = end - timedelta(hours=1)
    return _iso(params.get("start") or start), _iso(params.get("end") or end)


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()
