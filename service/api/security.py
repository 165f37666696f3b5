"""Mutating endpoints need the bearer token from settings (API_TOKEN); without one configured they stay shut."""

import hmac

from fastapi import Header, HTTPException

from compose.settings import get_settings


def require_token(authorization: str | None = Header(default=None)) -> None:
    expected = get_settings().api_token
    if expected is None or not expected.get_secret_value():
        raise HTTPException(403, "mutating endpoints are disabled: set API_TOKEN")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given, expected.get_secret_value()):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
