"""Airflow DAG, tumor_classifier data workflow: each day's batch of samples -> samples table -> features table;
emits the features Asset.

The tasks are the platform's (workflows/factories.py); they call projects.tumor_classifier.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable

from workflows.factories import data_workflow

dag = data_workflow("tumor_classifier", schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"))
