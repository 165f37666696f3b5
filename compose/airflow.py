"""What every DAG file shares. Imported at DAG parse time, so it stays light: standard library only."""

from datetime import datetime, timedelta, timezone
from typing import Any

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "mlops",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
}
START_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)  # scheduling anchor only; data windows come from runs

INTERVAL_PARAMS_HELP = "ISO 8601 UTC; leave empty to use the run's data interval"


def interval_of(context: dict[str, Any]) -> tuple[str, str]:
    """The run's data interval as ISO strings; `start`/`end` params (a backfill from the UI) override it."""
    params = context.get("params") or {}
    start = params.get("start") or context["data_interval_start"]
    end = params.get("end") or context["data_interval_end"]
    return _iso(start), _iso(end)


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()
