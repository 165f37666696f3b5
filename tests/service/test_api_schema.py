"""Schemathesis against the app's own OpenAPI schema: generated requests to every operation never get a server
error, and every answer matches its documented status codes, content types and response schemas. Mutating
operations are called without the token, so they must refuse (401) rather than change the served world."""

import schemathesis
from hypothesis import HealthCheck, settings

from service.api.app import create_app

# The app reads its settings per request, so building it here (where schemathesis wants it) is safe: the
# fixtures below point it at the served world before any request.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_conform_to_the_schema(case, served, airflow_server):
    case.call_and_validate()
