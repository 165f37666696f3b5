"""crypto_forecast data workflow: each hour's candles -> raw table -> features table; emits the features Asset.

Thin by design: the task calls projects.crypto_forecast.run.data and nothing deeper; heavy imports happen
inside the task, never at parse time.
"""

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, task

from compose.airflow import CONFIG_PARAM, DAG_CALLBACKS, DEFAULT_ARGS, INTERVAL_PARAMS_HELP, START_DATE, interval_of

PROJECT = "crypto_forecast"
FEATURES = Asset(f"{PROJECT}_features")


@dag(
    dag_id=f"{PROJECT}_data_wf",
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    **DAG_CALLBACKS,
    tags=[PROJECT, "data"],
    params={
        "start": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "end": Param(None, type=["null", "string"], description=INTERVAL_PARAMS_HELP),
        "source": Param(None, type=["null", "string"], description="upbit | replay | PATH.csv; empty: DATA_SOURCE"),
        "config": CONFIG_PARAM,
    },
)
def crypto_forecast_data_wf():
    @task(outlets=[FEATURES])
    def ingest_candles_and_features(**context) -> dict:
        from projects.crypto_forecast import run

        start, end = interval_of(context)
        params = context["params"]
        summary = run.data(start=start, end=end, source=params["source"], config=params["config"], run_id=context["run_id"])
        context["outlet_events"][FEATURES].extra = {"start": start, "end": end, "rows": summary["rows_written"]}
        return summary

    ingest_candles_and_features()


crypto_forecast_data_wf()
