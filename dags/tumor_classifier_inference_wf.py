"""Airflow DAG, tumor_classifier inference workflow: the champion classifies every sample of each new batch;
runs when the data workflow updates the features Asset.

The tasks are the platform's (workflows/factories.py); they call projects.tumor_classifier.run and nothing deeper.
"""

from workflows.factories import inference_workflow

dag = inference_workflow("tumor_classifier")
