"""Which interval a task works on, from what its run carries; or None when nothing does (a bare trigger from the
UI with the form cleared, the REST API with no logical date, `airflow dags trigger`): the stage then works it out
from the newest stored data and the run's `run_after`."""

from datetime import datetime
from typing import Any


def explicit_interval(context: dict[str, Any]) -> tuple[str | None, str | None]:
    """`start`/`end` params (a backfill or replay from the trigger form or --conf), else the union of the
    intervals carried by the asset events that triggered the run, else (None, None)."""
    params = context.get("params") or {}
    if params.get("start") or params.get("end"):
        return params.get("start"), params.get("end")
    events = [event for group in (context.get("triggering_asset_events") or {}).values() for event in group]
    extras = [event.extra for event in events if event.extra and "start" in event.extra and "end" in event.extra]
    if extras:
        return min(extra["start"] for extra in extras), max(extra["end"] for extra in extras)
    return None, None


def scheduled_interval(context: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The run's data interval when it has a real one (time-scheduled runs, and manual runs given a logical
    date); (None, None) for runs without one and for asset runs, whose interval is a point."""
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None or start == end:
        return None, None
    return start, end


def run_after(context: dict[str, Any]) -> datetime | None:
    dag_run = context.get("dag_run")
    return getattr(dag_run, "run_after", None) or context.get("logical_date")
