#!/usr/bin/env bash
# Sets up a fresh checkout: .venv with the pinned packages, and Airflow's metadata database in .airflow/.
# Safe to re-run: the install is skipped while pyproject.toml and constraints.txt are unchanged.
# Python 3.11 is required: $PYTHON when set, else python3.11, else python3 (scripts/find_python.sh checks).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv/bin/python ]; then
  scripts/find_python.sh .venv/bin/python >/dev/null \
    || { echo "(.venv was made with that interpreter: remove it, rm -rf .venv, and run make setup again)" >&2; exit 1; }
else
  python_bin=$(scripts/find_python.sh)
  echo "creating .venv with $python_bin ($("$python_bin" --version))"
  "$python_bin" -m venv .venv
fi

# pip's output, a line per package: each one collected from an index or a local file (with its download size),
# then the install.
progress() {
  awk '/^(Collecting|Processing) / { name = $2; sub(/.*\//, "", name); printf "  [%d] %s\n", ++n, name }
       /^  Downloading / { size = $3 " " $4; gsub(/[()]/, "", size); printf "        downloading %s\n", size }
       /^Installing collected packages/ { print "  installing (the longest step: a minute or more) ..." }
       /^Successfully installed/ { print "  installed" }
       /^ERROR/ { print }
       { fflush() }'
}

stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log=.venv/install.log
  echo "installing packages into .venv, pinned by constraints.txt (minutes on a first run; all of pip's output: $log)"
  if ! .venv/bin/pip install --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 | tee "$log" | progress; then
    echo "pip install failed; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

echo "preparing Airflow's metadata database ..."
source scripts/env.sh
airflow db migrate >/dev/null
echo "setup done: .venv ready, Airflow home $AIRFLOW_HOME, DAGs from $AIRFLOW__CORE__DAGS_FOLDER"
