.PHONY: setup demo regime-change test test-offline check-models lint airflow-ui mlflow-ui api stack-check compose-check

setup:          ## .venv + Airflow metadata (safe to re-run)
	scripts/setup.sh

demo: setup     ## the main job: the full loop through real Airflow DAG runs on the embedded defaults
	.venv/bin/python scripts/demo.py loop

test: setup lint  ## ruff, then the test suite
	scripts/test.sh

test-offline: setup  ## a slice of the tests in a network namespace of its own: no PostgreSQL server, no network (root)
	scripts/test_offline.sh

check-models: setup  ## logged models load and serve outside the repository, in clean virtualenvs (minutes)
	.venv/bin/python scripts/check_model_portability.py

lint: setup     ## ruff: formatting and lint rules (pyproject.toml)
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

airflow-ui:     ## Airflow UI on http://localhost:8080 (login printed by standalone)
	bash -c 'source scripts/env.sh && airflow standalone'

mlflow-ui:      ## MLflow UI on http://localhost:5000 over the embedded store
	.venv/bin/mlflow ui --backend-store-uri sqlite:///artifacts/mlflow.db --port 5000

regime-change: setup  ## scenario: calm champion, turbulent week -> alert, retrain triggered, gate decides
	.venv/bin/python scripts/demo.py regime-change

api: setup      ## the service: REST API + dashboard on http://localhost:8000 (API_PORT), OpenAPI docs at /docs
	bash -c 'source scripts/env.sh && python -m service.api'

stack-check: setup  ## the team stack's topology natively: Celery workers, MLflow server on Postgres + S3, Slack (bounded)
	.venv/bin/python scripts/stack_check.py

compose-check: setup  ## docker-compose.yml started in Docker here (own dockerd, local image builds), driven end to end, torn down
	.venv/bin/python scripts/compose_check.py
