"""Collection definitions: unique ids and aliases, known members, a default label within the limit."""

from __future__ import annotations

import pytest

from intelcell.cell import Cell
from intelcell.domain.label import parse
from intelcell.exchange import collections
from intelcell.exchange.collections import CollectionError


def make(cell: Cell, **overrides: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = dict(
        title="t",
        description="",
        alias=None,
        default_label=parse("NATO SECRET", cell.vocabulary),
        readers=["NATO"],
        writers=["NATO"],
        release_limit=["NATO"],
        audit_path="test",
    )
    return collections.create(cell, **{**args, **overrides})  # type: ignore[arg-type]


def test_an_alias_may_not_shadow_another_collections_id(cell: Cell) -> None:
    first = make(cell)
    with pytest.raises(CollectionError, match="exists"):
        make(cell, alias=first.id)


def test_an_alias_is_unique(cell: Cell) -> None:
    make(cell, alias="shared")
    with pytest.raises(CollectionError, match="exists"):
        make(cell, alias="shared")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"readers": ["XXX"]}, "unknown member or community in readers"),
        ({"writers": []}, "writers must name at least one"),
        ({"title": " "}, "needs a title"),
        ({"release_limit": ["FRA"]}, "releases beyond the release limit"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_stored(cell: Cell, overrides: dict[str, object], reason: str) -> None:
    with pytest.raises(CollectionError, match=reason):
        make(cell, **overrides)
    with cell.db.read() as conn:
        assert collections.all_collections(conn, cell) == []
