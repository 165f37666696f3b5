#!/usr/bin/env bash
# Runs the test suite (arguments go to pytest). Tests make their own schemas on TEST_DATABASE_URL when it is set,
# else on an embedded PostgreSQL started for the session; Airflow and MLflow get temporary homes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec .venv/bin/python -m pytest "$@"
