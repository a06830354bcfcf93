"""Search over the objects a caller may read: full text plus facets by type, member, label and month.

Matches, counts and facets are all computed over readable versions only, so a search reveals
nothing about what the caller may not read. Text under a portion label is not indexed at all: a
word in a hidden portion must not make its object findable.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_

from intelcell.cell import Cell
from intelcell.exchange.access import access_for, served
from intelcell.exchange.query import Filters, Version, select_versions
from intelcell.store import fulltext
from intelcell.store.schema import objects
from intelcell.store.users import User

#: Properties that identify, reference or time an object rather than say something about it.
_NOT_TEXT = {"id", "spec_version", "created", "modified", "object_marking_refs", "granular_markings", "extensions"}
#: Matches considered for facets; results beyond are counted as "more".
FACET_WINDOW = 5000


def _strings(value: Any, path: str, hidden: set[str]) -> Iterator[str]:
    if path in hidden:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}.[{i}]", hidden)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}", hidden)


def document_text(body: dict[str, Any], portion_selectors: set[str]) -> str:
    """The searchable text of an object: its string values, less references, ids and hidden portions."""
    parts: list[str] = []
    for key, value in body.items():
        if key in _NOT_TEXT or key.endswith(("_ref", "_refs")):
            continue
        parts.extend(_strings(value, key, portion_selectors))
    return " ".join(parts)


@dataclass(frozen=True)
class SearchQuery:
    """What the caller asked for."""

    text: str = ""
    types: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    added_after: str | None = None
    added_before: str | None = None
    limit: int = 50


@dataclass
class SearchResult:
    """Results (newest first) and facets over every readable match."""

    results: list[tuple[Version, str, dict[str, Any]]] = field(default_factory=list)
    total: int = 0
    complete: bool = True
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def search(cell: Cell, conn: Connection, user: User, query: SearchQuery) -> SearchResult:
    """Run a search for ``user``."""
    access = access_for(cell, conn, user)
    conditions = []
    if fulltext.words(query.text):
        conditions.append(fulltext.matches(conn, query.text))
    if query.members:
        conditions.append(objects.c.originator.in_(query.members))
    if query.added_before:
        conditions.append(objects.c.date_added < query.added_before)
    if query.labels:
        wanted = set(query.labels)
        ids = [
            lid
            for lid in access.readable.any_originator | access.readable.own_objects
            if (lab := cell.labels.label(conn, lid)) and lab.text() in wanted
        ]
        conditions.append(objects.c.label_id.in_(ids))
    filters = Filters(added_after=query.added_after, types=query.types, versions=("last",))
    rows, more = select_versions(
        conn, access, filters, limit=FACET_WINDOW, newest_first=True, extra=and_(*conditions) if conditions else None
    )
    label_text = {
        lid: (lab.text() if (lab := cell.labels.label(conn, lid)) else "") for lid in {r.label_id for r in rows}
    }
    out = SearchResult(total=len(rows), complete=not more)
    out.facets = {
        "type": dict(Counter(r.type for r in rows).most_common()),
        "member": dict(Counter(r.originator for r in rows).most_common()),
        "label": dict(Counter(label_text[r.label_id] for r in rows).most_common()),
        "month": dict(sorted(Counter(r.date_added[:7] for r in rows).items(), reverse=True)),
    }
    out.results = [
        (r, label_text[r.label_id], json.loads(served(cell, conn, r, user.viewer))) for r in rows[: query.limit]
    ]
    return out
