#!/usr/bin/env bash
# Sets up a fresh checkout: .venv with the pinned packages, and Airflow's metadata database in .airflow/.
# Safe to re-run: the install is skipped while pyproject.toml and constraints.txt are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null || python_bin=python3
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv

stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "installing packages into .venv (pinned by constraints.txt) ..."
  .venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

source scripts/env.sh
airflow db migrate >/dev/null
echo "setup done: .venv ready, Airflow home $AIRFLOW_HOME, DAGs from $AIRFLOW__CORE__DAGS_FOLDER"
