"""Alembic environment shared by the platform schema and every project's schema.

db_handler.migrate passes the open connection, the version table (one per schema owner), and for
`revision --autogenerate` the owner's metadata and table prefix as attributes.
"""

from alembic import context
from sqlalchemy import text

config = context.config
connection = config.attributes["connection"]
prefix = config.attributes.get("table_prefix")


def include_object(item, name, type_, reflected, compare_to) -> bool:
    """Autogenerate compares the owner's tables only: the others belong to the platform or another project."""
    return type_ != "table" or prefix is None or (name.startswith(prefix) and not name.startswith("alembic"))


context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    target_metadata=config.attributes.get("target_metadata"),
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",
    user_module_prefix="db_handler.types.",
)

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two tasks starting at once must not both create the same tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(724311)"))
    context.run_migrations()
