#!/usr/bin/env bash
# Runs the test suite (arguments go to pytest). Tests use their own schema on TEST_DATABASE_URL
# (default: database `test` on 127.0.0.1:5432) and temporary homes for Airflow and MLflow.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec .venv/bin/python -m pytest "$@"
