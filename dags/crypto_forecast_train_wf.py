"""Airflow DAG, crypto_forecast train workflow: candidates in parallel, evaluation against the champion and naive,
and the `champion` alias moved only through the gate. Weekly, and when monitoring triggers it with a reason.

The tasks are the platform's (workflows/factories.py); they call projects.crypto_forecast.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable

from workflows.factories import train_workflow

dag = train_workflow("crypto_forecast", schedule=CronDataIntervalTimetable("0 3 * * 1", timezone="UTC"))
