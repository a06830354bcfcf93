"""Reads outside TAXII (REST API, browser UI, audit view): the newest readable version of objects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from intelcell.cell import Cell
from intelcell.exchange.access import access_for, served
from intelcell.exchange.query import Filters, Version, select_versions
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


def newest_first(cell: Cell, conn: Connection, user: User, limit: int) -> list[Shown]:
    """The newest readable version of each object, most recently added first, at most ``limit``."""
    access = access_for(cell, conn, user)
    rows, _ = select_versions(conn, access, Filters(versions=("last",)), limit=limit, newest_first=True)
    return [_shown(cell, conn, user, row) for row in rows]
