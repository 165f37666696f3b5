"""Platform services, three packages that do not import each other except downwards:

service.models      model management on MLflow: registry and aliases, the gate, events, tracking, serving wrapper
service.monitoring  drift statistics, the monitoring decision, the retrain verdict and its cooldown
service.api         the REST API and dashboard (FastAPI), over the two above, Airflow and the results tables
"""
