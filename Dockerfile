# The image of the team stack (docker-compose.yml): Airflow 3 with the Celery provider, MLflow, and this
# repository installed, so every Airflow component, the MLflow server and the service run the same code.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl dumb-init \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 50000 --gid 0 --create-home --home-dir /opt/airflow airflow \
 && mkdir -p /opt/mlops /opt/airflow/logs /opt/airflow/secrets \
 && chown -R airflow:0 /opt/mlops /opt/airflow

WORKDIR /opt/mlops
ENV AIRFLOW_HOME=/opt/airflow PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1

# The pins first (a layer that survives code changes); torch's CPU build from PyTorch's index, not PyPI's CUDA one.
COPY --chown=airflow:0 pyproject.toml constraints.txt README.md ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -c constraints.txt "apache-airflow==3.3.2" "apache-airflow-providers-celery"

COPY --chown=airflow:0 . .
RUN pip install -c constraints.txt -e ".[stack]"

USER airflow
ENTRYPOINT ["/usr/bin/dumb-init", "--"]
CMD ["airflow", "version"]
