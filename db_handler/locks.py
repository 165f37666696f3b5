"""Locks that serialise a check-then-write across processes, for the rest of the caller's transaction."""

from sqlalchemy import Connection, text


def hold_lock(conn: Connection, name: str) -> None:
    """Wait for, then hold until the transaction ends, the lock called `name`.

    PostgreSQL: a transaction-level advisory lock. SQLite serialises writers on its own (one writer at a time),
    so nothing is needed there."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
