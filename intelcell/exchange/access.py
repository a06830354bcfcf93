"""What one caller may read, decided once per request and applied in SQL and to portions.

This is the single place where the access decision meets stored objects: every read path gets
an ``Access`` from ``access_for`` and passes it to the query, and serves bodies through ``served``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false

from intelcell.cell import Cell
from intelcell.domain.label import Label
from intelcell.domain.policy import Viewer, can_read
from intelcell.domain.portion import withhold
from intelcell.exchange import collections
from intelcell.store.labels import Readable
from intelcell.store.users import User


@dataclass(frozen=True)
class Access:
    """What one caller may read: readable collections and labels, and their own member."""

    collection_ids: tuple[str, ...]
    readable: Readable
    member: str

    def clause(self, table: Any) -> ColumnElement[bool]:
        """SQL condition: a stored version this caller may read."""
        if not self.collection_ids:
            return false()
        readable = self.readable.clause(table.c.label_id, table.c.originator, self.member)
        return and_(table.c.collection_id.in_(self.collection_ids), readable)


def access_for(cell: Cell, conn: Connection, user: User, collection_id: str | None = None) -> Access:
    """The caller's access: collections they may read (or just ``collection_id``) and labels."""
    readable_collections = [
        c.id
        for c in collections.all_collections(conn, cell)
        if c.can_read(user, cell) and (collection_id is None or c.id == collection_id)
    ]
    return Access(tuple(readable_collections), cell.labels.readable(conn, user.viewer, cell.registry), user.member)


def served(
    cell: Cell, conn: Connection, version: Any, viewer: Viewer, passes: Callable[[Label], bool] | None = None
) -> str:
    """The JSON text of a version as ``viewer`` may see it: portions they may not read removed.

    ``passes`` is a further test a portion's label must pass (federation push: may it be
    disseminated). What hiding a portion removes is `domain.portion.withhold`'s rule.
    """
    if not version.portions:
        return version.body
    hidden = set()
    for selector, label_id in json.loads(version.portions).items():
        label = cell.labels.label(conn, label_id)
        if (
            label is None
            or not can_read(viewer, label, version.originator, cell.registry)
            or (passes is not None and not passes(label))
        ):
            hidden.add(selector)
    if not hidden:
        return version.body
    body = withhold(json.loads(version.body), hidden)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def portion_labels(cell: Cell, conn: Connection, version: Any) -> list[Label]:
    """The labels of a version's portions."""
    ids = json.loads(version.portions).values() if version.portions else []
    return [label for label_id in ids if (label := cell.labels.label(conn, label_id)) is not None]
