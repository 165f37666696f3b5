"""The four workflows every project gets, as DAG factories; a project's DAG files only name the project.

    dags/<project>_data_wf.py:        data_workflow("<project>", schedule=...)
    dags/<project>_train_wf.py:       train_workflow("<project>", schedule=...)
    dags/<project>_inference_wf.py:   inference_workflow("<project>")      runs when the features Asset updates
    dags/<project>_monitoring_wf.py:  monitoring_workflow("<project>")     runs when the predictions Asset updates

A DAG file's docstring must say "Airflow DAG": Airflow's safe mode skips files that mention neither word.
Every task imports projects/<project>/run.py inside its body and calls one stage; nothing heavy is imported
when the file is parsed. Params given when triggering (UI or --conf) reach the stage: `start`/`end` override
the interval, `config` picks the config set, and a project's extra params (e.g. `source`) pass through.

MLOPS_TIME_SCHEDULES=off drops the time schedules of the data and train workflows (runs then come from the UI,
the REST API, monitoring's retrain trigger, or Assets): for stacks that replay past data, where unpausing a
DAG would otherwise run its latest real-time interval, which the replayed data does not cover.
"""

import importlib
import os
from typing import Any

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Asset, Param, dag, task

from compose.airflow import CONFIG_PARAM, DAG_CALLBACKS, DEFAULT_ARGS, INTERVAL_PARAMS_HELP, START_DATE, interval_of


def features_asset(project: str) -> Asset:
    return Asset(f"{project}_features")


def predictions_asset(project: str) -> Asset:
    return Asset(f"{project}_predictions")


def data_workflow(project: str, schedule: Any, extra_params: dict[str, Param] | None = None):
    """Data for each interval -> raw table -> features table; emits the features Asset with the interval."""
    features = features_asset(project)

    @dag(
        dag_id=f"{project}_data_wf",
        schedule=_time_schedule(schedule),
        params={**_interval_params(), **(extra_params or {})},
        **_common(project, "data"),
    )
    def data_wf():
        @task(outlets=[features])
        def load_and_preprocess(**context) -> dict:
            start, end = interval_of(context)
            summary = _stage(project, "data")(start=start, end=end, run_id=context["run_id"], **_stage_params(context))
            context["outlet_events"][features].extra = {"start": start, "end": end}
            return summary

        load_and_preprocess()

    return data_wf()


def train_workflow(project: str, schedule: Any):
    """Candidates as parallel mapped tasks, then evaluate against champion and baseline, register, gate."""

    @dag(
        dag_id=f"{project}_train_wf",
        schedule=_time_schedule(schedule),
        max_active_runs=1,
        **_common(project, "train"),
        params={
            "reason": Param(
                None, type=["null", "string"], description="why (drift, decay, manual); empty: the run type"
            ),
            "end": Param(None, type=["null", "string"], description=f"end of the data window; {INTERVAL_PARAMS_HELP}"),
            "config": CONFIG_PARAM,
        },
    )
    def train_wf():
        @task
        def prepare(**context) -> dict:
            params = context["params"]
            return _stage(project, "train_prepare")(
                end=params["end"] or context["data_interval_end"].isoformat(),
                reason=params["reason"] or getattr(context["dag_run"].run_type, "value", "manual"),
                config=params["config"],
                run_id=context["run_id"],
            )

        @task
        def plan_candidates(prepared: dict) -> list[dict]:
            """One set of arguments per candidate: the mapped tasks below run them in parallel."""
            return [{"candidate": candidate, "prepared": prepared} for candidate in prepared["candidates"]]

        @task(map_index_template="{{ candidate }}")
        def train_candidate(candidate: str, prepared: dict, **context) -> dict:
            return _stage(project, "train_candidate")(prepared, candidate, config=context["params"]["config"])

        @task
        def evaluate_and_promote(prepared: dict, results: list, **context) -> dict:
            return _stage(project, "train_select")(
                prepared,
                [results[i] for i in range(len(results))],
                config=context["params"]["config"],
                run_id=context["run_id"],
            )

        prepared = prepare()
        evaluate_and_promote(prepared, train_candidate.expand_kwargs(plan_candidates(prepared)))

    return train_wf()


def inference_workflow(project: str):
    """The champion predicts for each interval the data workflow finished; emits the predictions Asset."""
    predictions = predictions_asset(project)

    @dag(
        dag_id=f"{project}_inference_wf",
        schedule=[features_asset(project)],
        params=_interval_params(),
        **_common(project, "inference"),
    )
    def inference_wf():
        @task(outlets=[predictions])
        def predict_with_champion(**context) -> dict:
            from airflow.sdk.exceptions import AirflowFailException

            from service.registry import NoChampion

            start, end = interval_of(context)
            try:
                summary = _stage(project, "inference")(
                    start=start,
                    end=end,
                    run_id=context["run_id"],
                    dag_id=context["dag"].dag_id,
                    **_stage_params(context),
                )
            except NoChampion as error:
                raise AirflowFailException(str(error)) from None  # retrying cannot create a champion
            context["outlet_events"][predictions].extra = {"start": start, "end": end}
            return summary

        predict_with_champion()

    return inference_wf()


def monitoring_workflow(project: str):
    """Decay and drift; Slack is told inside the stage; on request the train workflow is triggered with the
    reasons (the cooldown is already applied by the stage)."""

    @dag(
        dag_id=f"{project}_monitoring_wf",
        schedule=[predictions_asset(project)],
        **_common(project, "monitoring"),
        params={
            "end": Param(
                None, type=["null", "string"], description=f"end of the monitored windows; {INTERVAL_PARAMS_HELP}"
            ),
            "config": CONFIG_PARAM,
        },
    )
    def monitoring_wf():
        @task
        def monitor(**context) -> dict:
            _, end = interval_of(context)
            return _stage(project, "monitor")(
                end=end, run_id=context["run_id"], dag_id=context["dag"].dag_id, config=context["params"]["config"]
            )

        @task.short_circuit
        def retrain_needed(summary: dict) -> bool:
            return summary["retrain"]

        trigger_retrain = TriggerDagRunOperator(
            task_id="trigger_retrain",
            trigger_dag_id=f"{project}_train_wf",
            conf={
                "reason": "{{ ti.xcom_pull(task_ids='monitor')['decision'] }}: "
                "{{ ti.xcom_pull(task_ids='monitor')['reasons'] | join('; ') }}",
                "end": "{{ ti.xcom_pull(task_ids='monitor')['end'] }}",
                "config": "{{ params.config }}",
            },
            wait_for_completion=False,
        )
        retrain_needed(monitor()) >> trigger_retrain

    return monitoring_wf()


def _time_schedule(schedule: Any) -> Any:
    return None if os.environ.get("MLOPS_TIME_SCHEDULES", "on").lower() == "off" else schedule


def _common(project: str, kind: str) -> dict[str, Any]:
    return {
        "start_date": START_DATE,
        "catchup": False,
        "default_args": DEFAULT_ARGS,
        "tags": [project, kind],
        **DAG_CALLBACKS,
    }


def _interval_params() -> dict[str, Param]:
    return {
        "start": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "end": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "config": CONFIG_PARAM,
    }


def _stage_params(context: dict) -> dict[str, Any]:
    """The run's params the stage takes as keyword arguments: config and any project-specific ones."""
    return {name: value for name, value in context["params"].items() if name not in ("start", "end")}


def _stage(project: str, name: str):
    return getattr(importlib.import_module(f"projects.{project}.run"), name)
