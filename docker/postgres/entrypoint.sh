#!/usr/bin/env bash
# First start on an empty data directory: initdb with POSTGRES_USER/POSTGRES_PASSWORD, POSTGRES_DB, then the
# scripts in /docker-entrypoint-initdb.d (*.sh run with bash, *.sql with psql) against a socket-only server.
set -euo pipefail
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=${POSTGRES_USER}}"
export POSTGRES_USER POSTGRES_DB

if [[ "${1:-}" == postgres && ! -s "${PGDATA}/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required on first start}"
  password_file="$(mktemp)"
  printf '%s' "${POSTGRES_PASSWORD}" >"${password_file}"
  initdb --pgdata="${PGDATA}" --username="${POSTGRES_USER}" --pwfile="${password_file}" \
         --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "${password_file}"
  echo "host all all all scram-sha-256" >>"${PGDATA}/pg_hba.conf"
  echo "listen_addresses = '*'" >>"${PGDATA}/postgresql.conf"

  pg_ctl --pgdata="${PGDATA}" --options="-c listen_addresses=''" --wait --silent start
  if [[ "${POSTGRES_DB}" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname postgres \
         -c "CREATE DATABASE \"${POSTGRES_DB}\""
  fi
  for script in /docker-entrypoint-initdb.d/*; do
    case "${script}" in
      *.sh) echo "docker-entrypoint: running ${script}"; bash "${script}" ;;
      *.sql) echo "docker-entrypoint: running ${script}"; psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname "${POSTGRES_DB}" -f "${script}" ;;
    esac
  done
  pg_ctl --pgdata="${PGDATA}" --mode=fast --wait --silent stop
  echo "docker-entrypoint: database initialised"
fi

exec "$@"
