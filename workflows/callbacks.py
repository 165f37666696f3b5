"""Airflow callbacks every DAG uses. Imported at DAG parse time: nothing heavy at module level, and a
callback never raises (Airflow would log the callback's failure over the task's own)."""

import logging

log = logging.getLogger(__name__)


def on_failure(context: dict) -> None:
    """Task failed: which task, which try, the first line of the error, and a link to its log."""
    try:
        from messenger.delivery import notify
        from messenger.model import Alert

        ti, dag_id, run_id = context.get("ti"), _dag_id(context), context.get("run_id", "?")
        task_id, try_number = getattr(ti, "task_id", "?"), getattr(ti, "try_number", "?")
        error = str(context.get("exception") or "unknown error").strip().splitlines()
        links = {"Task log": ti.log_url} if getattr(ti, "log_url", None) else {}
        notify(
            Alert(
                project=_project(dag_id),
                kind="failure",
                severity="alert",
                title=f"{dag_id}.{task_id} failed (try {try_number})",
                dedup_key=f"failure:{dag_id}:{run_id}:{task_id}:{try_number}",
                fields={"DAG": dag_id, "task": task_id, "try": str(try_number), "run": run_id},
                lines=[error[0][:500] if error else "unknown error"],
                links={**links, **_run_link(dag_id, run_id)},
            )
        )
    except Exception:
        log.exception("failure callback could not send its alert")


def on_success(context: dict) -> None:
    """DAG run succeeded: a short summary (console/file, and Slack too when SLACK_NOTIFY_SUCCESS is set)."""
    try:
        from compose.settings import get_settings
        from messenger.delivery import notify
        from messenger.model import Alert

        dag_id, run_id = _dag_id(context), context.get("run_id", "?")
        dag_run = context.get("dag_run")
        started, ended = getattr(dag_run, "start_date", None), getattr(dag_run, "end_date", None)
        duration = f"{(ended - started).total_seconds():.0f} s" if started and ended else "?"
        alert = Alert(
            project=_project(dag_id),
            kind="success",
            severity="info",
            title=f"{dag_id} succeeded",
            dedup_key=f"success:{dag_id}:{run_id}",
            fields={"DAG": dag_id, "run": run_id, "duration": duration},
            links=_run_link(dag_id, run_id),
        )
        notify(alert, console_only=not get_settings().slack_notify_success)
    except Exception:
        log.exception("success callback could not send its summary")


def on_dag_failure(context: dict) -> None:
    """A train run failed for good: its trainings stop counting as in flight (so monitoring may ask again)."""
    try:
        dag_id, run_id = _dag_id(context), context.get("run_id")
        if not dag_id.endswith("_train_wf") or not run_id:
            return
        from db_handler import get_engine
        from db_handler.runs import trainings_failed

        trainings_failed(get_engine(), _project(dag_id), run_id)
    except Exception:
        log.exception("failure callback could not mark the training failed")


def _run_link(dag_id: str, run_id: str) -> dict[str, str]:
    """The run's page in the Airflow UI, when there is a public URL to build it from."""
    from messenger.links import airflow_run_url

    url = airflow_run_url(dag_id, run_id)
    return {"Airflow run": url} if url else {}


def _dag_id(context: dict) -> str:
    dag = context.get("dag")
    return getattr(dag, "dag_id", None) or getattr(context.get("ti"), "dag_id", None) or "?"


def _project(dag_id: str) -> str:
    """`crypto_forecast_train_wf` -> `crypto_forecast` (DAG ids are [project]_[kind]_wf)."""
    return dag_id.removesuffix("_wf").rsplit("_", 1)[0] if dag_id.endswith("_wf") else dag_id
