"""Reads outside TAXII (REST API, browser UI, audit view): the newest readable version of objects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_

from intelcell.cell import Cell
from intelcell.domain.policy import can_read
from intelcell.exchange.access import access_for, served
from intelcell.exchange.query import Filters, Version, select_versions
from intelcell.store.schema import objects
from intelcell.store.users import User


@dataclass(frozen=True)
class Shown:
    """A version the caller may read, with its label text and the body as they may see it."""

    version: Version
    label: str
    body: dict[str, Any]


def _shown(cell: Cell, conn: Connection, user: User, row: Version) -> Shown:
    label = cell.labels.label(conn, row.label_id)
    return Shown(row, label.text() if label else "", json.loads(served(cell, conn, row, user.viewer)))


def latest(cell: Cell, conn: Connection, user: User, stix_id: str) -> Shown | None:
    """The newest version of ``stix_id`` the caller may read in any collection, or None."""
    access = access_for(cell, conn, user)
    rows, _ = select_versions(conn, access, Filters(ids=(stix_id,), versions=("last",)))
    if not rows:
        return None
    return _shown(cell, conn, user, max(rows, key=lambda r: (r.version, r.pk)))


def readable_versions(cell: Cell, conn: Connection, user: User, stix_id: str) -> list[Version]:
    """Every version of ``stix_id`` the caller may read."""
    rows, _ = select_versions(conn, access_for(cell, conn, user), Filters(ids=(stix_id,), versions=("all",)))
    return rows


#: STIX domain objects: the things an analyst names (relationships and sightings connect them).
DOMAIN_TYPES = (
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
    "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
    "opinion", "report", "threat-actor", "tool", "vulnerability",
)  # fmt: skip


def newest_first(cell: Cell, conn: Connection, user: User, limit: int, types: tuple[str, ...] = ()) -> list[Shown]:
    """The newest readable version of each object (of ``types`` if given), most recently added first."""
    access = access_for(cell, conn, user)
    filters = Filters(types=types, versions=("last",))
    rows, _ = select_versions(conn, access, filters, limit=limit, newest_first=True)
    return [_shown(cell, conn, user, row) for row in rows]


#: Reference properties that say who made or marked an object rather than what it is about.
_NOT_LINKS = {"object_marking_refs", "created_by_ref"}
#: Ids looked up per query, well under every database's limit on bound parameters.
_CHUNK = 500


def references(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, id) of each top-level reference of a served body, in property order.

    ``*_ref`` and ``*_refs`` properties only; who created or marked the object is not a link
    between pieces of intelligence. Read from the served body, so a reference inside a portion the
    caller may not read is never followed.
    """
    out: list[tuple[str, str]] = []
    for key, value in body.items():
        if key in _NOT_LINKS:
            continue
        if key.endswith("_ref") and isinstance(value, str):
            out.append((key, value))
        elif key.endswith("_refs") and isinstance(value, list):
            out.extend((key, item) for item in value if isinstance(item, str))
    return out


def _newest_each(rows: list[Version]) -> list[Version]:
    """One version per object id (the newest; an object may sit in several collections), order kept."""
    best: dict[str, Version] = {}
    for row in rows:
        held = best.get(row.stix_id)
        if held is None or (row.version, row.pk) > (held.version, held.pk):
            best[row.stix_id] = row
    return [row for row in rows if best[row.stix_id] is row]


def latest_of(cell: Cell, conn: Connection, user: User, ids: list[str]) -> dict[str, Shown]:
    """The newest readable version of each of ``ids``; missing and unreadable ids are simply absent."""
    access = access_for(cell, conn, user)
    wanted = sorted(set(ids))
    rows: list[Version] = []
    for start in range(0, len(wanted), _CHUNK):
        found, _ = select_versions(conn, access, Filters(ids=tuple(wanted[start : start + _CHUNK]), versions=("last",)))
        rows.extend(found)
    return {row.stix_id: _shown(cell, conn, user, row) for row in _newest_each(rows)}


def referring(cell: Cell, conn: Connection, user: User, stix_id: str, limit: int = 500) -> list[Shown]:
    """Readable objects (newest versions, newest first) whose served body references ``stix_id``.

    The text match only narrows the candidates in SQL; each is then checked on the body the caller
    may see, so a reference hidden in an unreadable portion does not count.
    """
    access = access_for(cell, conn, user)
    extra = and_(objects.c.stix_id != stix_id, objects.c.body.contains(stix_id, autoescape=True))
    rows, _ = select_versions(conn, access, Filters(versions=("last",)), limit=limit, newest_first=True, extra=extra)
    out = []
    for row in _newest_each(rows):
        shown = _shown(cell, conn, user, row)
        if any(ref == stix_id for _key, ref in references(shown.body)):
            out.append(shown)
    return out


def newest_window(cell: Cell, conn: Connection, user: User, limit: int) -> tuple[list[Shown], bool]:
    """The newest readable version of each object, most recently added first, and whether more exist."""
    access = access_for(cell, conn, user)
    rows, more = select_versions(conn, access, Filters(versions=("last",)), limit=limit, newest_first=True)
    return [_shown(cell, conn, user, row) for row in _newest_each(rows)], more


def visible_portions(cell: Cell, conn: Connection, user: User, version: Version) -> dict[str, str]:
    """Selector to label text of the portions of ``version`` the caller sees (as `served` decides).

    A portion whose property also holds a hidden portion is gone from the served body, so it is
    not listed either: the page never names a portion the body does not show.
    """
    if not version.portions:
        return {}
    readable: dict[str, str] = {}
    hidden_roots: set[str] = set()
    for selector, label_id in json.loads(version.portions).items():
        label = cell.labels.label(conn, label_id)
        if label is None or not can_read(user.viewer, label, version.originator, cell.registry):
            hidden_roots.add(selector.split(".[", 1)[0])
        else:
            readable[selector] = label.text()
    return {
        s: text
        for s, text in readable.items()
        if not any(s == root or s.startswith((root + ".", root + ".[")) for root in hidden_roots)
    }
