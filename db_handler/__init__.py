"""Results database: engine, platform tables, migrations, idempotent upserts, run bookkeeping."""

from db_handler.engine import database_url, get_engine, transaction
from db_handler.migrate import ensure_schema
from db_handler.upsert import Change, Comparison, UpsertResult, compare_stored, upsert

__all__ = [
    "Change",
    "Comparison",
    "UpsertResult",
    "compare_stored",
    "database_url",
    "ensure_schema",
    "get_engine",
    "transaction",
    "upsert",
]
