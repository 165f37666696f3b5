# Sourced by the other scripts (and by you: `source scripts/env.sh`): Airflow and the venv of this checkout.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$REPO_ROOT/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$REPO_ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# The embedded default keeps Airflow's metadata in SQLite, which takes one writer at a time: a default training maps
# 16 trials, and that many task processes at once lock the scheduler, dag-processor and triggerer out until they
# exit ("database is locked"). Four tasks at a time keep both cores busy.
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export PATH="$REPO_ROOT/.venv/bin:$PATH"
export MLFLOW_DISABLE_TELEMETRY="${MLFLOW_DISABLE_TELEMETRY:-true}"  # no phoning home (see service/mlflow_setup.py)
