"""Airflow DAG, crypto_forecast inference workflow: the champion forecasts the candle after each new feature row;
runs when the data workflow updates the features Asset, over the interval it carried.

The tasks are the platform's (workflows/factories.py); they call projects.crypto_forecast.run and nothing deeper.
"""

from workflows.factories import inference_workflow

dag = inference_workflow("crypto_forecast")
