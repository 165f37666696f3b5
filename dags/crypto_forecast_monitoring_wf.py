"""Airflow DAG, crypto_forecast monitoring workflow: decay and drift of the champion; Slack is told, and the train
workflow is triggered with the reasons unless the cooldown holds it back. Runs when new predictions land.

The tasks are the platform's (workflows/factories.py); they call projects.crypto_forecast.run and nothing deeper.
"""

from workflows.factories import monitoring_workflow

dag = monitoring_workflow("crypto_forecast")
