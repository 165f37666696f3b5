"""Airflow DAG, tumor_classifier monitoring workflow: error rate against the champion's test batches and drift
of the measurements; Slack is told, and the train workflow is triggered unless the cooldown holds it back.

The tasks are the platform's (workflows/factories.py); they call projects.tumor_classifier.run and nothing deeper.
"""

from workflows.factories import monitoring_workflow

dag = monitoring_workflow("tumor_classifier")
