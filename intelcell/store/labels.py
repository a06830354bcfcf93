"""The label dictionary: every label in use gets a small integer id, so access filters run in SQL.

A viewer's readable labels are computed once per request from the (small) dictionary; the
object query then filters with ``label_id IN (...)`` and an index, so a page costs the same
whether the store holds a thousand objects or a million.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, or_, select

from intelcell.domain import marking
from intelcell.domain.label import Label, LabelError, Vocabulary, parse
from intelcell.domain.policy import Viewer, can_read
from intelcell.domain.registry import Registry
from intelcell.store.database import Database
from intelcell.store.schema import labels


@dataclass(frozen=True)
class Readable:
    """The label ids a viewer reads: under any originator, and under their own member's objects."""

    any_originator: frozenset[int]
    own_objects: frozenset[int]
    newest_id: int = 0  # the highest label id this decision covered (labels added later are unknown)

    def clause(self, label_id: Any, originator: Any, viewer_member: str) -> ColumnElement[bool]:
        """SQL: a row with these label-id and originator columns is readable by the viewer."""
        by_label = label_id.in_(sorted(self.any_originator)) if self.any_originator else false()
        own = and_(originator == viewer_member, label_id.in_(sorted(self.own_objects))) if self.own_objects else false()
        return or_(by_label, own)

    def allows(self, label_id: int, originator: str, viewer_member: str) -> bool:
        """The same decision as `clause`, for a row already fetched."""
        return label_id in self.any_originator or (originator == viewer_member and label_id in self.own_objects)


class LabelIndex:
    """Process cache of the label dictionary, filled only from committed rows."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self._by_id: dict[int, Label | None] = {}
        self._by_text: dict[str, int] = {}
        self._by_marking: dict[str, int] = {}
        self._lock = threading.Lock()

    def ensure(self, db: Database, wanted: Iterable[Label]) -> dict[Label, int]:
        """Ids for labels, inserting unknown ones in a transaction of their own.

        Labels are committed before the objects that use them, so a rolled-back write can never
        leave this cache naming an id that another label later receives.
        """
        wanted = set(wanted)
        missing = [lab for lab in wanted if lab.text() not in self._by_text]
        if missing:
            with db.write() as conn:
                present = {
                    r.text
                    for r in conn.execute(
                        select(labels.c.text).where(labels.c.text.in_([lab.text() for lab in missing]))
                    )
                }
                fresh = [lab for lab in missing if lab.text() not in present]
                if fresh:
                    conn.execute(
                        labels.insert(), [{"text": lab.text(), "marking_id": marking.marking_id(lab)} for lab in fresh]
                    )
            with db.read() as conn:
                self.refresh(conn)
        return {lab: self._by_text[lab.text()] for lab in wanted}

    def refresh(self, conn: Connection) -> None:
        """Load dictionary rows this process has not seen yet."""
        known = max(self._by_id, default=0)
        rows = conn.execute(select(labels).where(labels.c.id > known).order_by(labels.c.id)).all()
        with self._lock:
            for row in rows:
                try:
                    label: Label | None = parse(row.text, self._vocabulary)
                except LabelError:
                    label = None  # the registry no longer knows a code: nobody reads it
                self._by_id[row.id] = label
                self._by_text[row.text] = row.id
                self._by_marking[row.marking_id] = row.id

    def newest_id(self) -> int:
        """The highest label id this process has loaded (0 when none)."""
        return max(self._by_id, default=0)

    def label(self, conn: Connection, label_id: int) -> Label | None:
        """The label with this id (None when the registry can no longer interpret it)."""
        if label_id not in self._by_id:
            self.refresh(conn)
        return self._by_id.get(label_id)

    def by_marking_id(self, conn: Connection, marking_id: str) -> Label | None:
        """The label whose marking-definition has this id, if it is in the dictionary."""
        if marking_id not in self._by_marking:
            self.refresh(conn)
        label_id = self._by_marking.get(marking_id)
        return self._by_id.get(label_id) if label_id is not None else None

    def readable(self, conn: Connection, viewer: Viewer, registry: Registry) -> Readable:
        """Which label ids ``viewer`` may read, by the access decision of DESIGN.md section 2."""
        self.refresh(conn)
        anyone, own = set(), set()
        stranger = "\0"  # an originator that is never the viewer's member
        with self._lock:  # another thread (the air-picture engine) may be adding labels
            known = list(self._by_id.items())
        for label_id, label in known:
            if label is None:
                continue
            if can_read(viewer, label, stranger, registry):
                anyone.add(label_id)
            if can_read(viewer, label, viewer.member, registry):
                own.add(label_id)
        return Readable(frozenset(anyone), frozenset(own), max((i for i, _ in known), default=0))
