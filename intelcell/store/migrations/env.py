"""Alembic environment: runs on the connection that ``intelcell.store.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from intelcell.store.schema import metadata

# Any constant: serialises migrations across API processes sharing one PostgreSQL.
_PG_MIGRATION_LOCK = 7_401_230_001

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
