#!/usr/bin/env bash
# Runs the test suite (arguments go to pytest). Tests make their own schemas on TEST_DATABASE_URL when it is set,
# else on an embedded PostgreSQL started for the session; Airflow and MLflow get temporary homes.
# TEST_WORKERS=2 runs it on two pytest-xdist workers (default 0: one process, as before; `-n` among the arguments
# wins): each worker is a session of its own (schemas, Airflow home, MLflow stores), and `--dist loadfile` keeps a
# file's tests on one worker, all of tests/stack on one (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-0}" --dist loadfile "$@"
