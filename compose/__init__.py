"""Settings of the stack (compose.settings: URLs and credentials from the environment and .env) and what
every DAG file shares (compose.airflow). Nothing is imported here, so a DAG file importing compose.airflow
does not pay for pydantic-settings at parse time."""
