# The image of the team stack (docker-compose.yml): the official Airflow image extended with this repository and
# its pinned dependencies, so every Airflow component, the MLflow server, the service and the one-shot jobs run
# the same code. `docker compose build` builds it.
#
# BASE_IMAGE: the official image by default. Where it cannot be pulled, any image with the same contract works
# (user airflow 50000:0, a virtualenv first on PATH, `dumb-init -- /entrypoint`): docker-compose.local.yml
# builds on docker/airflow-base, made from Debian's packages.
ARG BASE_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${BASE_IMAGE}

ARG AIRFLOW_VERSION=3.3.2
# The FAB auth manager (docs/TEAM_STACK.md says why); the official image ships it, another base gets this pin.
ARG FAB_PROVIDER_VERSION=3.10.2
# torch's CPU build: from PyTorch's CPU index, or (TORCH_WHEELS=docker/wheels) from a wheel put in the build
# context, where that index is out of reach. PyPI's torch would bring several GB of CUDA packages.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_WHEELS=""

USER root
RUN mkdir -p /opt/mlops && chown airflow:0 /opt/mlops && chmod g+rwx /opt/mlops
USER airflow
WORKDIR /opt/mlops
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1

COPY --chown=airflow:0 docker/wheels/ /tmp/wheels/
RUN if [ -n "${TORCH_WHEELS}" ]; then \
      pip install --no-deps --no-index --find-links /tmp/wheels "torch==2.13.0+cpu"; \
    else \
      pip install --no-deps --index-url "${TORCH_INDEX_URL}" "torch==2.13.0+cpu"; \
    fi \
 && rm -rf /tmp/wheels/*

# The pinned dependencies first, from pyproject.toml alone (a layer that survives code changes), then the code.
COPY --chown=airflow:0 pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt \
      "apache-airflow==${AIRFLOW_VERSION}" "apache-airflow-providers-fab==${FAB_PROVIDER_VERSION}" ".[stack]" \
 && pip uninstall -y mlops-template
COPY --chown=airflow:0 compose/ compose/
COPY --chown=airflow:0 db_handler/ db_handler/
COPY --chown=airflow:0 messenger/ messenger/
COPY --chown=airflow:0 service/ service/
COPY --chown=airflow:0 lifecycle/ lifecycle/
COPY --chown=airflow:0 workflows/ workflows/
COPY --chown=airflow:0 devkit/ devkit/
COPY --chown=airflow:0 projects/ projects/
COPY --chown=airflow:0 dags/ dags/
COPY --chown=airflow:0 scripts/ scripts/
RUN pip install --no-deps -e . && mkdir -p artifacts

# ENTRYPOINT and CMD stay the base image's: `dumb-init -- /entrypoint`, which runs `bash ...` and `python ...` as
# given and anything else as an airflow subcommand (`command: scheduler`).
