"""crypto_forecast monitoring workflow: decay and drift of the champion; on either, Slack is told (inside the
stage) and the train workflow is triggered with the reasons, unless the cooldown holds it back.

Data-aware: runs when new predictions land. Thin by design: the task calls run.monitor.
"""

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Asset, Param, dag, task

from compose.airflow import CONFIG_PARAM, DAG_CALLBACKS, DEFAULT_ARGS, INTERVAL_PARAMS_HELP, START_DATE, interval_of

PROJECT = "crypto_forecast"
PREDICTIONS = Asset(f"{PROJECT}_predictions")


@dag(
    dag_id=f"{PROJECT}_monitoring_wf",
    schedule=[PREDICTIONS],
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    **DAG_CALLBACKS,
    tags=[PROJECT, "monitoring"],
    params={
        "end": Param(None, type=["null", "string"], description=f"end of the monitored windows; {INTERVAL_PARAMS_HELP}"),
        "config": CONFIG_PARAM,
    },
)
def crypto_forecast_monitoring_wf():
    @task
    def monitor(**context) -> dict:
        from projects.crypto_forecast import run

        _, end = interval_of(context)
        return run.monitor(end=end, config=context["params"]["config"], run_id=context["run_id"], dag_id=context["dag"].dag_id)

    @task.short_circuit
    def retrain_needed(summary: dict) -> bool:
        return summary["retrain"]

    trigger_retrain = TriggerDagRunOperator(
        task_id="trigger_retrain",
        trigger_dag_id=f"{PROJECT}_train_wf",
        conf={
            "reason": "{{ ti.xcom_pull(task_ids='monitor')['decision'] }}: "
            "{{ ti.xcom_pull(task_ids='monitor')['reasons'] | join('; ') }}",
            "end": "{{ ti.xcom_pull(task_ids='monitor')['end'] }}",
            "config": "{{ params.config }}",
        },
        wait_for_completion=False,
    )

    retrain_needed(monitor()) >> trigger_retrain


crypto_forecast_monitoring_wf()
