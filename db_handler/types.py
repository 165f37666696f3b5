"""Column types that behave the same on PostgreSQL and SQLite."""

import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    Naive datetimes are refused on the way in (the source of most off-by-nine-hours bugs with Upbit's KST
    times); values come back aware in UTC even from SQLite, which stores no offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_safe(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None: JSON has no such numbers (PostgreSQL refuses them)."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class JSONDocument(TypeDecorator):
    """A JSON document: JSONB on PostgreSQL (comparable, so upserts can tell a changed document), JSON elsewhere.
    NaN and infinities are stored as null, so an undefined score never makes a write fail."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect) -> Any:
        return json_safe(value)
