"""Migration 0005 creates the fighters tables exactly as ``intelcell/store/schema.py`` declares them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intelcell.cell import Cell
from intelcell.store.schema import metadata

FIGHTERS = {
    "persons",
    "person_keys",
    "person_key_counts",
    "person_hits",
    "person_links",
    "person_clusters",
    "person_encodings",
}


def _include(obj: Any, name: str | None, kind: str, _reflected: bool, _compare_to: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return (name if kind == "table" else getattr(table, "name", None)) in FIGHTERS


def test_migrated_fighters_tables_match_the_declared_schema(cell: Cell) -> None:
    with cell.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
