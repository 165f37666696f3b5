"""Model management on MLflow for every project: registry and aliases (champion, shadow, challenger), the gate,
model events, training runs, and the pyfunc wrapper every model is logged as.

Importing the package bounds MLflow first, unless the environment says otherwise: its telemetry phones home
(offline here) and races between threads in 3.17, and its HTTP client retries a refused connection for minutes.
Airflow's task retries handle the longer outages.
"""

import os

for _name, _value in {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}.items():
    os.environ.setdefault(_name, _value)
