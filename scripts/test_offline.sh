#!/usr/bin/env bash
# Runs tests inside a network namespace of their own (`unshare --net`, loopback up): nothing listens on
# 127.0.0.1:5432 there and nothing beyond the machine answers. It proves that the suite needs no PostgreSQL server
# (with TEST_DATABASE_URL unset, tests/conftest.py starts an embedded PostgreSQL for the session) and no network.
#
#   scripts/test_offline.sh              the slice below: every layer that writes to the database, one real DAG run
#   scripts/test_offline.sh -x --lf      the slice, with these pytest options
#   scripts/test_offline.sh tests/ -x    the tests named instead (tests/: the whole suite), with these options
#
# Needs root (CI runs as root; elsewhere: sudo scripts/test_offline.sh): a namespace's loopback is set up with
# `ip link set lo up`, and the embedded PostgreSQL, started as root, runs as a user of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

SLICE=(
  tests/db_handler tests/messenger tests/lifecycle tests/workflows tests/test_setup_script.py
  tests/projects tests/service/test_api.py tests/service/test_model_management.py tests/service/test_gate.py
  tests/dags/test_data_wf.py
)

if [ "${1:-}" != "--in-namespace" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "scripts/test_offline.sh needs root for its network namespace (sudo)" >&2; exit 1; }
  exec unshare --net "$0" --in-namespace "$@"
fi
shift

ip link set lo up
unset TEST_DATABASE_URL
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "127.0.0.1:5432 answers inside the namespace: this is not the offline setting" >&2
  exit 1
fi
echo "own network namespace: loopback only, nothing on 127.0.0.1:5432, TEST_DATABASE_URL unset"
for argument in "$@"; do
  [ ! -e "${argument%%::*}" ] || exec scripts/test.sh "$@"  # a test file or folder named: the tests named
done
exec scripts/test.sh "${SLICE[@]}" "$@"
