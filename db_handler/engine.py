"""SQLAlchemy engine and transactions for the results database."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event

from compose.settings import get_settings
from db_handler.embedded import embedded_url


def database_url() -> str:
    """DATABASE_URL when set, else the embedded PostgreSQL (started on demand)."""
    settings = get_settings()
    return settings.database_url or embedded_url(settings.embedded_pg_dir)


def get_engine(url: str | None = None) -> Engine:
    return _engine_for(url or database_url())


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Connection]:
    """One transaction: everything inside commits together or not at all."""
    with (engine or get_engine()).begin() as connection:
        yield connection
