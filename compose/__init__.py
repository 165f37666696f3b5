"""The bottom layer: where things are (compose.paths), the settings of the stack read from the environment and
.env (compose.settings: URLs and credentials), and the config-set bases every project builds on (compose.config).
Nothing here imports a project, Airflow, MLflow or the database."""
