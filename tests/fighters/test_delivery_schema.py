"""Migration 0016 creates the delivery and kept-screening tables exactly as ``store/schema.py`` declares them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intelcell.cell import Cell
from intelcell.store.schema import metadata

TABLES = {"watchlist_webhooks", "watchlist_deliveries", "saved_screenings"}


def _include(obj: Any, name: str | None, kind: str, _reflected: bool, _compare_to: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return (name if kind == "table" else getattr(table, "name", None)) in TABLES


def test_migrated_delivery_tables_match_the_declared_schema(cell: Cell) -> None:
    with cell.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": True})
        differences = compare_metadata(context, metadata)
        present = set(context.dialect.get_table_names(conn))
    assert differences == [] and present >= TABLES
