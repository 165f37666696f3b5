#!/usr/bin/env bash
# Run once by the postgres image on an empty data volume: one database per consumer of the team stack
# (Airflow metadata, results, MLflow), named by STACK_DATABASES and owned by POSTGRES_USER.
set -euo pipefail
for database in ${STACK_DATABASES}; do
  echo "creating database ${database}"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname postgres \
       -c "CREATE DATABASE \"${database}\" OWNER \"${POSTGRES_USER}\""
done
