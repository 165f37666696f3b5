"""Airflow DAG, crypto_forecast data workflow: each hour's candles -> raw table -> features table; emits the
features Asset.

The tasks are the platform's (compose/workflows.py); they call projects.crypto_forecast.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable, Param

from compose.workflows import data_workflow

dag = data_workflow(
    "crypto_forecast",
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    extra_params={
        "source": Param(None, type=["null", "string"], description="upbit | replay | PATH.csv; empty: DATA_SOURCE")
    },
)
