"""Airflow DAG, crypto_forecast data workflow: each hour's candles -> raw table -> features table; emits the
features Asset.

The tasks are the platform's (workflows/factories.py); they call projects.crypto_forecast.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable, Param

from workflows.factories import data_workflow

dag = data_workflow(
    "crypto_forecast",
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    extra_params={
        "source": Param(
            None,
            type=["null", "string"],
            enum=[None, "auto", "upbit", "replay"],
            title="Source",
            description="where candles come from; empty: the config's data.source (DATA_SOURCE, default auto: "
            "Upbit when it answers, else the shipped replay). A CSV file: the command line's --source PATH.csv",
        ),
    },
)
