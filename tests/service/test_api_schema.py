"""Schemathesis against the app's own OpenAPI schema: generated requests to every operation never get a server
error, and every answer matches its documented status codes, content types and response schemas. Operations
that change the platform are called without the token, so they must refuse (401) rather than change the served
world; reads that need the token (runs, task logs) are called with it too, against the Airflow double."""

import schemathesis
from hypothesis import HealthCheck, settings

from service.api.app import create_app
from tests.service.conftest import API_TOKEN

# The app reads its settings per request, so building it here (where schemathesis wants it) is safe: the
# fixtures below point it at the served world before any request.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_conform_to_the_schema(case, served, airflow_server):
    case.call_and_validate()


reads_with_token = schemathesis.openapi.from_asgi("/openapi.json", create_app()).include(
    method="GET", path_regex=".*/runs.*"
)


@reads_with_token.auth()
class Token:
    """The service's token on every generated request (schemathesis still tries requests without it)."""

    def get(self, case, context) -> str:
        return API_TOKEN

    def set(self, case, token, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@reads_with_token.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_reads_with_the_token_conform_to_the_schema(case, served, airflow_server):
    """Runs, one run and a task log of a run Airflow has (generated paging, try numbers and map indexes)."""
    run = airflow_server.add_run("crypto_forecast_train_wf", {"reason": "schema test"}, "manual", state="success")
    case.path_parameters.update(project="crypto_forecast", kind="train")
    if "run_id" in case.path_parameters:
        case.path_parameters["run_id"] = run["dag_run_id"]
    case.call_and_validate()
