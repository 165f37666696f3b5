"""The development harness tests, benchmarks and scripts share: throwaway PostgreSQL schemas (on the machine's
server, or an embedded PostgreSQL when none is configured), a temporary MLflow store, an Airflow home and its
`airflow dags test` runner, free ports, and local HTTP doubles (Slack, Airflow's REST API)."""
