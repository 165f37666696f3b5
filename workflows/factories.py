"""The four workflows every project gets, as DAG factories; a project's DAG files only name the project.

    dags/<project>_data_wf.py:        data_workflow("<project>", schedule=...)
    dags/<project>_train_wf.py:       train_workflow("<project>", schedule=...)
    dags/<project>_inference_wf.py:   inference_workflow("<project>")      runs when the features Asset updates
    dags/<project>_monitoring_wf.py:  monitoring_workflow("<project>")     runs when the predictions Asset updates

A DAG file's docstring must say "Airflow DAG": Airflow's safe mode skips files that mention neither word.
Each task finds the project (lifecycle.discovery) and calls one stage (lifecycle.stages) for it; nothing heavy is
imported when the file is parsed. Train, inference and monitoring map over the project's partitions (one task
per market, labelled with it): one failing partition does not stop the others.

Every workflow runs from a bare trigger: with no interval in its params, asset events or data interval, the
stage works from the newest stored data. Bad input fails at once (no retries); outages are retried.

MLOPS_TIME_SCHEDULES=off drops the time schedules of the data and train workflows (runs then come from the UI,
the REST API, monitoring's retrain trigger, or Assets): for stacks that replay past data, where unpausing a
DAG would otherwise run its latest real-time interval, which the replayed data does not cover.
"""

import os
from collections.abc import Callable
from typing import Any

from airflow.sdk import Asset, Param, dag, task

from lifecycle.discovery import config_names
from workflows.defaults import DAG_CALLBACKS, DEFAULT_ARGS, START_DATE, config_param, partition_param, time_param
from workflows.intervals import explicit_interval, run_after, scheduled_interval

ALL_DONE = "all_done"  # a step that gathers mapped partitions runs whatever became of each


def features_asset(project: str) -> Asset:
    return Asset(f"{project}_features")


def predictions_asset(project: str) -> Asset:
    return Asset(f"{project}_predictions")


def data_workflow(project: str, schedule: Any, extra_params: dict[str, Param] | None = None):
    """Rows of each interval -> raw table -> features table; emits the features Asset with the interval."""
    features = features_asset(project)
    extra = extra_params or {}
    params = {
        "start": time_param("Start", "first row time (UTC); empty with End empty: from the newest stored row"),
        "end": time_param("End", "end of the interval, exclusive (UTC); empty: the run's interval, or now"),
        "config": config_param(config_names(project)),
        "allow_corrections": Param(
            False,
            type="boolean",
            title="Allow corrections",
            description="overwrite stored rows whose values differ from the source; off: such a run fails, "
            "naming the first differing value, and writes nothing",
        ),
        **extra,
    }
    doc = _doc(
        project,
        "data",
        "Loads the rows of an interval from the project's source, checks them (nothing is written if one is bad), "
        "upserts them into the raw table and their features into the features table, in one transaction under "
        "the partition's lock; the feature rows whose windows hold a new or corrected row are recomputed too. "
        f"One run at a time. Emits `{features.name}`, which starts the inference workflow over the same interval.",
        params,
    )

    @dag(
        dag_id=f"{project}_data_wf",
        schedule=_time_schedule(schedule),
        max_active_runs=1,  # the stage's lock serialises runs anyway; one at a time keeps the workers free
        params=params,
        doc_md=doc,
        **_common(project, "data"),
    )
    def data_wf():
        @task(outlets=[features])
        def load_and_preprocess(**context) -> dict:
            from lifecycle import stages

            start, end = explicit_interval(context)
            derived = start is None and end is None
            if derived:
                start, end = scheduled_interval(context)
            options = {name: context["params"][name] for name in extra if context["params"].get(name) is not None}
            summary = _run(
                project,
                lambda found: stages.data(
                    found,
                    start=start,
                    end=end,
                    config=context["params"]["config"],
                    run_id=context["run_id"],
                    now=run_after(context),
                    catch_up=derived,
                    allow_corrections=bool(context["params"].get("allow_corrections")),
                    **options,
                ),
            )
            context["outlet_events"][features].extra = summary["interval"]
            return summary

        load_and_preprocess()

    return data_wf()


def train_workflow(project: str, schedule: Any):
    """Per partition: prepare -> trials (each candidate's search trials and the baseline, mapped) -> gate ->
    register (refit on the whole window, alias, event)."""
    params = {
        "end": time_param("End", "end of the data window (UTC); empty: the run's interval, or the newest stored data"),
        "reason": Param(None, type=["null", "string"], title="Reason", description="why (drift, decay, manual)"),
        "partition": partition_param(project),
        "config": config_param(config_names(project)),
    }
    doc = _doc(
        project,
        "train",
        "Trains every candidate of the config set on the window ending at End (hyperparameter trials as mapped "
        "tasks, the naive baseline beside them), picks the best on validation, and lets the gate compare it with "
        "the champion and the baseline on the same test window. The winner is refitted on the whole window, "
        "registered, and becomes `champion` (or `shadow` under the live policy) only through the gate. A retry "
        "returns the first decision.",
        params,
    )

    @dag(
        dag_id=f"{project}_train_wf",
        schedule=_time_schedule(schedule),
        max_active_runs=1,
        params=params,
        doc_md=doc,
        **_common(project, "train"),
    )
    def train_wf():
        @task
        def partitions(**context) -> list[str]:
            return _partitions(project, context)

        @task(map_index_template="{{ partition }}")
        def prepare(partition: str, **context) -> dict:
            from lifecycle import stages

            params = context["params"]
            end = params["end"] or scheduled_interval(context)[1]
            reason = params["reason"] or getattr(context["dag_run"].run_type, "value", "manual")
            return _run(
                project,
                lambda found: stages.prepare(found, partition, end, reason, params["config"], context["run_id"]),
            )

        @task(trigger_rule=ALL_DONE)
        def plan_trials(prepared: list[dict]) -> list[dict]:
            """One set of arguments per fit: the mapped trials below run them in parallel."""
            from lifecycle.stages.train import plan

            return [{"prepared": p, "candidate": c, "number": n} for p in prepared for c, n in plan(p)]

        @task(map_index_template="{{ prepared.partition }}: {{ candidate }} #{{ number }}")
        def trial(prepared: dict, candidate: str, number: int, **context) -> dict:
            from lifecycle import stages

            config = context["params"]["config"]
            return _run(project, lambda found: stages.trial(found, prepared, candidate, number, config))

        @task(trigger_rule=ALL_DONE)
        def plan_gates(prepared: list[dict], results: list[dict]) -> list[dict]:
            every = list(results)
            return [
                {"prepared": p, "results": [r for r in every if r["partition"] == p["partition"]]} for p in prepared
            ]

        @task(map_index_template="{{ prepared.partition }}")
        def gate(prepared: dict, results: list[dict], **context) -> dict:
            from lifecycle import stages

            return _run(project, lambda found: stages.gate(found, prepared, results, context["params"]["config"]))

        @task(map_index_template="{{ gated.prepared.partition }}")
        def register(gated: dict, **context) -> dict:
            from lifecycle import stages

            return _run(project, lambda found: stages.register(found, gated, context["params"]["config"]))

        prepared = prepare.expand(partition=partitions())
        results = trial.expand_kwargs(plan_trials(prepared))
        register.expand(gated=gate.expand_kwargs(plan_gates(prepared, results)))

    return train_wf()


def inference_workflow(project: str):
    """The champion (with the shadow and the baseline beside it) forecasts the interval the data workflow
    finished, per partition; emits the predictions Asset."""
    predictions = predictions_asset(project)
    params = {
        "start": time_param("Start", "first feature row (UTC); empty with End empty: the newest stored row"),
        "end": time_param("End", "end of the feature rows, exclusive (UTC)"),
        "partition": partition_param(project),
        "config": config_param(config_names(project)),
    }
    doc = _doc(
        project,
        "inference",
        f"Runs when `{features_asset(project).name}` updates, over the interval the data run carried. The champion "
        "of each partition forecasts every new feature row; its companion baseline and the shadow (if any) "
        "forecast the same rows, flagged by role. Every row carries the model name, version, role, MLflow run and "
        f"Airflow run. Without a champion the partition is skipped (one alert per cooldown). Emits `{predictions.name}`.",
        params,
    )

    @dag(
        dag_id=f"{project}_inference_wf",
        schedule=[features_asset(project)],
        params=params,
        doc_md=doc,
        **_common(project, "inference"),
    )
    def inference_wf():
        @task
        def partitions(**context) -> list[str]:
            return _partitions(project, context)

        @task(map_index_template="{{ partition }}")
        def predict(partition: str, **context) -> dict:
            from lifecycle import stages

            start, end = explicit_interval(context)
            return _run(
                project,
                lambda found: stages.inference(
                    found,
                    start,
                    end,
                    partition,
                    context["params"]["config"],
                    context["run_id"],
                    context["dag"].dag_id,
                ),
            )

        @task(outlets=[predictions], trigger_rule=ALL_DONE)
        def announce(summaries: list[dict], **context) -> dict:
            """One predictions event for the run, with the interval the partitions forecast."""
            done = [summary for summary in summaries if summary]
            if not done:
                from airflow.sdk.exceptions import AirflowSkipException

                raise AirflowSkipException("no partition produced forecasts")
            interval = {
                "start": min(summary["interval"]["start"] for summary in done),
                "end": max(summary["interval"]["end"] for summary in done),
            }
            context["outlet_events"][predictions].extra = interval
            return {"partitions": [summary["partition"] for summary in done], **interval}

        announce(predict.expand(partition=partitions()))

    return inference_wf()


def monitoring_workflow(project: str):
    """Decay and drift per partition; Slack is told inside the stage; the train workflow is triggered for each
    partition that asks (the cooldown is already applied), once per monitored window."""
    # imported here, not at the top: the other DAG files parse faster without it
    from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator

    params = {
        "end": time_param("End", "end of the monitored windows (UTC); empty: after the newest stored data"),
        "partition": partition_param(project),
        "config": config_param(config_names(project)),
    }
    doc = _doc(
        project,
        "monitoring",
        f"Runs when `{predictions_asset(project).name}` updates. Per partition: the champion's live error against "
        "its baseline on the same realised rows (decay), recent features against the window the model was fitted "
        "on (drift, with thresholds calibrated for the window size), the shadow's live trial, one monitoring row, "
        "a Slack alert when trouble starts, and a triggered train run (cooldown, one in flight at most, decided "
        "under a lock).",
        params,
    )

    @dag(
        dag_id=f"{project}_monitoring_wf",
        schedule=[predictions_asset(project)],
        params=params,
        doc_md=doc,
        **_common(project, "monitoring"),
    )
    def monitoring_wf():
        @task
        def partitions(**context) -> list[str]:
            return _partitions(project, context)

        @task(map_index_template="{{ partition }}")
        def monitor(partition: str, **context) -> dict:
            from lifecycle import stages

            end = context["params"]["end"] or explicit_interval(context)[1]
            return _run(
                project,
                lambda found: stages.monitor(
                    found, end, partition, context["params"]["config"], context["run_id"], context["dag"].dag_id
                ),
            )

        @task(trigger_rule=ALL_DONE)
        def retrains(summaries: list[dict], **context) -> list[dict]:
            """The trigger of each partition that asks for a retrain; its run id names the monitored window, so a
            retried monitoring run does not start a second training."""
            asked = [summary for summary in summaries if summary and summary["retrain"]]
            return [
                {
                    "trigger_run_id": f"retrain__{summary['model']}__{summary['end']}",
                    "conf": {
                        "reason": f"{summary['decision']}: " + "; ".join(summary["reasons"]),
                        "end": summary["end"],
                        "partition": summary["partition"],
                        "config": context["params"]["config"],
                    },
                }
                for summary in asked
            ]

        TriggerDagRunOperator.partial(
            task_id="trigger_retrain",
            trigger_dag_id=f"{project}_train_wf",
            wait_for_completion=False,
            skip_when_already_exists=True,
            logical_date=None,
        ).expand_kwargs(retrains(monitor.expand(partition=partitions())))

    return monitoring_wf()


def _run(project: str, call: Callable[[Any], Any]) -> Any:
    """Call a stage for `project`: input a retry cannot fix fails the task at once, no champion skips it, anything
    else (an outage) fails it for Airflow to retry. The task's log handlers (Airflow's) scrub secrets first."""
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
    from pydantic import ValidationError

    from compose.secrets import scrub, scrub_log_handlers
    from lifecycle.contract import DataError
    from lifecycle.discovery import load_project
    from service.models.registry import NoChampion

    scrub_log_handlers()
    found = load_project(project)
    try:
        return call(found)
    except (DataError, KeyError, ValidationError) as error:
        raise AirflowFailException(scrub(f"{type(error).__name__}: {error}")) from error
    except NoChampion as error:
        raise AirflowSkipException(str(error)) from error


def _partitions(project: str, context: dict) -> list[str]:
    """The partition in the params (an unknown one fails the run at once), or every one of the config set."""
    params = context["params"]
    return _run(project, lambda found: found.partitions_for(found.spec(params["config"]), params.get("partition")))


def _doc(project: str, kind: str, what: str, params: dict[str, Param]) -> str:
    rows = "\n".join(
        f"| `{name}` | {param.schema.get('title', name)}: {param.description or ''} |" for name, param in params.items()
    )
    return (
        f"### {project} {kind} workflow\n\n{what}\n\n| param | meaning |\n|---|---|\n{rows}\n\n"
        "Trigger it from the UI (the form may stay untouched: empty fields are worked out from the stored data), "
        f"with `airflow dags trigger {project}_{kind}_wf [--conf '{{...}}']`, or through the service's "
        f"`POST /projects/{project}/workflows/{kind}/runs`."
    )


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
