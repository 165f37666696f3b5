"""The service teams point their tools and browsers at: workflows (through Airflow's REST API), models (through
the registry), forecasts from the champion, and a dashboard. `python -m service.api` serves it."""
