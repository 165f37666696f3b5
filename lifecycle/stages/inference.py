"""Stage `inference`: the champion forecasts every new feature row of a partition, with lineage on every row.

Beside the champion's forecasts, the same rows get the forecasts of its companion baseline (the naive forecast
refitted with it, so monitoring judges decay scale-free on the same rows) and of the shadow, if one is on trial.
None of these but the champion's is ever served.

Without a champion there is nothing to serve yet: NoChampion, which the DAG turns into a skipped task, and one
alert per cooldown period rather than one per hour.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from compose.config import ConfigSet
from db_handler import upsert
from lifecycle.contract import DataError, Project
from lifecycle.reads import newest, read_dataset
from lifecycle.records import per_partition, project_engine, stage_run, utc
from messenger.delivery import notify
from messenger.links import airflow_run_url
from messenger.messages import no_champion_alert
from service.models import registry
from service.models.registry import CHAMPION, SHADOW, NoChampion

HISTORY_ROWS = 48  # rows read before the interval, beyond the model's own window


def inference(
    project: Project,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    partition: str | None = None,
    config: str | ConfigSet = "default",
    run_id: str | None = None,
    dag_id: str | None = None,
) -> dict[str, Any]:
    """Forecasts for the feature rows in [start, end) of every partition (or one). Without an interval (a bare
    trigger): the newest stored feature row."""
    spec = project.spec(config)
    return per_partition(
        project, spec, partition, lambda name: predict_partition(project, name, start, end, spec, run_id, dag_id)
    )


def predict_partition(
    project: Project,
    partition: str,
    start: datetime | str | None,
    end: datetime | str | None,
    spec: ConfigSet,
    run_id: str | None,
    dag_id: str | None,
) -> dict[str, Any]:
    engine = project_engine(project)
    tables, name = project.tables, project.model_name(partition)
    start, end = _interval(engine, project, partition, start, end)
    with stage_run(engine, project, "inference", run_id, start, end, partition=partition) as run:
        champion = registry.version_by_alias(name, CHAMPION)  # an unreachable registry raises (retried)
        if champion is None:
            _tell_no_champion(engine, project, name, end, spec, run.run_id, dag_id)
            raise NoChampion(f"registered model {name!r} has no champion yet: run the train workflow first")
        models = {"champion": (champion, f"models:/{name}/{champion.version}")}
        if "baseline_model_uri" in champion.tags:
            models["baseline"] = (champion, champion.tags["baseline_model_uri"])
        shadow = registry.version_by_alias(name, SHADOW)
        if shadow is not None:
            models["shadow"] = (shadow, f"models:/{name}/{shadow.version}")
        loaded = {role: registry.load_model(uri) for role, (_, uri) in models.items()}
        window = max(model.unwrap_python_model().window for model in loaded.values())
        history = (HISTORY_ROWS + window) * project.cadence
        with engine.begin() as conn:
            rows = read_dataset(conn, tables, partition, start - history, end, spec.features.columns)
            made = [
                _forecasts(project, spec, partition, rows, start, role, version, loaded[role], run.run_id)
                for role, (version, _) in models.items()
            ]
            keys = [column.name for column in tables.predictions.primary_key.columns]
            written = upsert(
                conn,
                tables.predictions,
                pd.concat(made, ignore_index=True),
                key=keys,
                touch=("airflow_run_id", "created_at"),
            )
        served = made[0]
        in_interval = int((rows[tables.time] >= start).sum())
        run.rows_written, run.rows_unchanged = written.written, written.unchanged
        run.summary = {
            "partition": partition,
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            "model": name,
            "version": str(champion.version),
            "shadow_version": str(shadow.version) if shadow is not None else None,
            "serves": champion.tags.get("candidate"),
            "forecasts": len(served),
            "skipped_rows": in_interval - len(served),  # rows without enough history, or with gaps
            "first": served[tables.prediction_time].min().isoformat() if len(served) else None,
            "last": served[tables.prediction_time].max().isoformat() if len(served) else None,
        }
    return run.summary


def _forecasts(project, spec, partition, rows, start, role, version, model, run_id) -> pd.DataFrame:
    """The rows of the predictions table one model makes for the feature rows at or after `start`."""
    predicted = registry.predict(model, rows, project.output)
    keep = (rows[project.tables.time] >= start).to_numpy() & np.isfinite(predicted)
    made = project.hooks.prediction_rows(rows.loc[keep].reset_index(drop=True), predicted[keep], spec)
    lineage = {
        "model_name": project.model_name(partition),
        "model_version": str(version.version),
        "role": role,
        "mlflow_run_id": version.tags.get("baseline_run_id") if role == "baseline" else version.run_id,
        "airflow_run_id": run_id,
        "created_at": datetime.now(UTC),
    }
    partition_column = {project.tables.partition: partition} if project.tables.partition else {}
    return made.assign(**partition_column, **lineage)


def _interval(engine, project: Project, partition: str, start, end) -> tuple[datetime, datetime]:
    if start is not None and end is not None:
        start, end = utc(start), utc(end)
    elif start is None and end is None:
        with engine.connect() as conn:
            stored = newest(conn, project.tables, project.tables.features, project.tables.time, partition)
        if stored is None:
            raise DataError(
                f"{project.name} {partition}: no stored features to forecast from; run the data stage first"
            )
        start, end = stored, stored + project.cadence
    else:
        raise DataError("give both start and end, or neither (then the newest stored feature row is forecast)")
    if start >= end:
        raise DataError(f"empty interval: start {start.isoformat()} is not before end {end.isoformat()}")
    return start, end


def _tell_no_champion(
    engine, project: Project, name: str, end: datetime, spec, run_id: str, dag_id: str | None
) -> None:
    """One alert per cooldown period (in data time), however often inference runs meanwhile."""
    period = timedelta(hours=max(spec.monitoring.retrain_cooldown_hours, 1))
    bucket = datetime(1970, 1, 1, tzinfo=UTC) + ((end - datetime(1970, 1, 1, tzinfo=UTC)) // period) * period
    link = airflow_run_url(dag_id, run_id) if dag_id else None
    notify(no_champion_alert(project.name, name, f"{bucket.isoformat()}", link), engine)
