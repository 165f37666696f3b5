"""Alembic environment shared by the platform schema and every project's schema.

db_handler.migrate passes the open connection and the version table (one per schema owner) as attributes.
"""

from alembic import context
from sqlalchemy import text

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    render_as_batch=connection.dialect.name == "sqlite",
)

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two tasks starting at once must not both create the same tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(724311)"))
    context.run_migrations()
