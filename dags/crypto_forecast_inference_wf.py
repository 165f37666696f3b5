"""crypto_forecast inference workflow: the champion forecasts the candles after each newly built feature row.

Data-aware: runs when the data workflow updates the features Asset, over the interval that update carried,
and emits the predictions Asset for monitoring. Thin by design: the task calls run.inference.
"""

from airflow.sdk import Asset, Param, dag, task

from compose.airflow import CONFIG_PARAM, DAG_CALLBACKS, DEFAULT_ARGS, INTERVAL_PARAMS_HELP, START_DATE, interval_of

PROJECT = "crypto_forecast"
FEATURES = Asset(f"{PROJECT}_features")
PREDICTIONS = Asset(f"{PROJECT}_predictions")


@dag(
    dag_id=f"{PROJECT}_inference_wf",
    schedule=[FEATURES],
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    **DAG_CALLBACKS,
    tags=[PROJECT, "inference"],
    params={
        "start": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "end": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "config": CONFIG_PARAM,
    },
)
def crypto_forecast_inference_wf():
    @task(outlets=[PREDICTIONS])
    def forecast_with_champion(**context) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from projects.crypto_forecast import run
        from service.registry import NoChampion

        start, end = interval_of(context)
        try:
            summary = run.inference(
                start=start, end=end, config=context["params"]["config"], run_id=context["run_id"],
                dag_id=context["dag"].dag_id,
            )  # fmt: skip
        except NoChampion as error:
            raise AirflowFailException(str(error)) from None  # retrying cannot create a champion
        context["outlet_events"][PREDICTIONS].extra = {"start": start, "end": end, "forecasts": summary["forecasts"]}
        return summary

    forecast_with_champion()


crypto_forecast_inference_wf()
