"""Airflow DAG, tumor_classifier train workflow: random forest and gradient boosting in parallel, evaluation
against the champion and the majority-class baseline, the `champion` alias moved only through the gate. Weekly,
and when monitoring triggers it with a reason.

The tasks are the platform's (workflows/factories.py); they call projects.tumor_classifier.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable

from workflows.factories import train_workflow

dag = train_workflow("tumor_classifier", schedule=CronDataIntervalTimetable("0 3 * * 1", timezone="UTC"))
