"""Airflow: the four DAG factories every project's DAG files call, their params, and the callbacks every DAG uses.

Imported at DAG parse time: nothing heavy at module level (no pandas, MLflow, SQLAlchemy or project code); task
bodies import the project (lifecycle.discovery) and call its stages (lifecycle.stages).
"""
