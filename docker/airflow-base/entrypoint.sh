#!/usr/bin/env bash
# The dispatch rules of the official image's entrypoint, which the compose file relies on:
#   bash ... | python ...   run as given
#   airflow X ... | X ...   run as `airflow X ...` (so `command: scheduler` works, as in the official compose file)
# and, unless CONNECTION_CHECK_MAX_COUNT=0, first wait for Airflow's metadata database (`airflow db check`).
set -euo pipefail

# An arbitrary uid (docker run --user 1234:0) still gets a passwd entry, as in the official image.
if ! whoami >/dev/null 2>&1 && [[ -w /etc/passwd ]]; then
  echo "default:x:$(id -u):0:default user:${AIRFLOW_USER_HOME_DIR}:/bin/bash" >>/etc/passwd
fi

max_checks="${CONNECTION_CHECK_MAX_COUNT:-20}"
if (( max_checks > 0 )); then
  for (( attempt = 1; ; attempt++ )); do
    if airflow db check >/dev/null 2>&1; then
      break
    fi
    if (( attempt >= max_checks )); then
      echo "entrypoint: Airflow's database is unreachable after ${attempt} checks" >&2
      exit 1
    fi
    sleep "${CONNECTION_CHECK_SLEEP_TIME:-3}"
  done
fi

case "${1:-}" in
  bash) shift; exec /bin/bash "$@" ;;
  python) shift; exec python "$@" ;;
  airflow) shift ;;
esac
exec airflow "$@"
