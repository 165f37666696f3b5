"""What every project's run.py shares: times, the JSON summary line, the database, the command line."""

import argparse
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from db_handler import ensure_schema, get_engine


def utc(value: datetime | str) -> datetime:
    """An aware UTC datetime from an ISO string or a datetime; times without an offset are read as UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def report(summary: dict[str, Any]) -> dict[str, Any]:
    """Print a stage's summary as one JSON line (what DAG logs and scripts read), and return it."""
    print(json.dumps(summary, default=str), flush=True)
    return summary


def project_engine(project: str, migrations: Path) -> Engine:
    """The results database with the platform's and `project`'s tables migrated to their newest revision."""
    engine = get_engine()
    ensure_schema(engine, project, migrations)
    return engine


def run_cli(parser: argparse.ArgumentParser, stages: dict[str, Callable[..., Any]], argv: list[str] | None) -> int:
    """Parse `argv` (first word: the stage), run it; a known kind of failure prints one error line, exit code 1."""
    args = vars(parser.parse_args(argv))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        stages[args.pop("stage")](**args)
    except (ValueError, KeyError, LookupError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def champion_missing(
    engine: Engine, project: str, model_name: str, run_id: str, dag_id: str | None, error: Exception, doing: str
) -> Exception:
    """Tell Slack that inference stopped for want of a champion; returns the error to raise, saying what stopped."""
    from messenger.delivery import notify
    from messenger.links import airflow_run_url
    from messenger.messages import no_champion_alert
    from service.registry import NoChampion

    notify(no_champion_alert(project, model_name, run_id, airflow_run_url(dag_id, run_id) if dag_id else None), engine)
    return NoChampion(f"{error} ({doing})")
