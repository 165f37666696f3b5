"""What every workflow shares: default task arguments, callbacks, and the params people fill in the trigger form.
Imported at DAG parse time, so it stays light: no pandas, MLflow or SQLAlchemy."""

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param

from workflows.callbacks import on_dag_failure, on_failure, on_success

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "mlops",
    "retries": 2,  # for what is transient (database, MLflow, Upbit); bad input fails at once (AirflowFailException)
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "on_failure_callback": on_failure,
}
# DAG-level: a short summary when a whole run succeeds; a failed training no longer counts as in flight
DAG_CALLBACKS: dict[str, Any] = {"on_success_callback": on_success, "on_failure_callback": on_dag_failure}
# Scheduling anchor only (catchup is off): early enough that a run for any historical logical date, e.g. a
# replay of 2017 candles, still has its tasks (Airflow silently skips tasks that start after a run's date).
START_DATE = datetime(2017, 1, 1, tzinfo=UTC)


def time_param(title: str, description: str) -> Param:
    """An optional UTC time: the form shows a date-time picker; empty means "work it out from the data"."""
    return Param(None, type=["null", "string"], format="date-time", title=title, description=description)


def config_param(names: list[str]) -> Param:
    return Param(names[0], type="string", enum=names, title="Config set", description="the project's configs/")


def partition_param(project: str) -> Param:
    return Param(
        None,
        type=["null", "string"],
        title="Partition",
        description=f"one partition of {project} (e.g. a market); empty: every partition of the config set",
    )
