"""The bearer token (API_TOKEN) that opens what changes the platform (triggers, alias moves) and what reveals
run parameters and task logs. Declared with HTTPBearer, so /docs shows an Authorize button. Without a
configured token those endpoints stay shut (403)."""

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from compose.settings import get_settings
from service.api.errors import errors

bearer = HTTPBearer(auto_error=False, description="the service's API_TOKEN")


def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> None:
    expected = get_settings().api_token
    if expected is None or not expected.get_secret_value():
        raise HTTPException(403, "endpoints that need the token are disabled: set API_TOKEN")
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


def needs_token(*statuses: int) -> dict:
    """Settings of a route that needs the token: the check, and its errors beside `statuses` for the docs."""
    return {"dependencies": [Depends(require_token)], "responses": errors(401, 403, *statuses)}
