"""Action-plan items in the store: create, change (every version kept in the history), list and read.

An item exists for a viewer who may read its label with its originator (DESIGN.md section 2), on
every path: list, read, history, change (a hidden item answers 404 like a missing one), summary.
A history entry is shown only when its own label (the item's label in that version) is readable
too, so lowering an item's label never exposes its more sensitive past.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.oversight import plan as rules
from intelcell.domain.oversight.plan import PlanError, Target
from intelcell.oversight.refusal import Refused, assignable_label, known_member, may_oversee
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import oversight_plan_history, oversight_plan_items, users
from intelcell.store.users import User

FIELDS = ("title", "owner", "description", "targets", "status", "deadline", "evidence", "label")


@dataclass(frozen=True)
class PlanItem:
    """An action-plan item as stored: owner, targets, status, deadline, evidence and label."""

    id: str
    version: int
    title: str
    owner: str
    description: str
    targets: tuple[Target, ...]
    status: str
    deadline: date | None
    evidence: tuple[str, ...]
    label: str
    originator: str
    created_at: datetime
    updated_at: datetime

    def fields(self) -> dict[str, Any]:
        """The editable fields in their JSON form (what the history compares and keeps)."""
        return {
            "title": self.title,
            "owner": self.owner,
            "description": self.description,
            "targets": [t.to_json() for t in self.targets],
            "status": self.status,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "evidence": list(self.evidence),
            "label": self.label,
        }

    def to_json(self, today: date) -> dict[str, Any]:
        """The item as the API shows it, with ``overdue`` derived for ``today``."""
        return {
            "id": self.id,
            "version": self.version,
            **self.fields(),
            "overdue": rules.overdue(self.status, self.deadline, today),
            "originator": self.originator,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


def _deadline(value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Refused("invalid_request", f"deadline {value!r} is not a date (YYYY-MM-DD)") from None


def _validated(cell: Cell, user: User, data: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """Every field checked before anything is stored; returns the fields and the label."""
    title = str(data.get("title") or "").strip()
    if not title or len(title) > rules.MAX_TITLE:
        raise Refused("invalid_request", f"title must be 1 to {rules.MAX_TITLE} characters")
    description = str(data.get("description") or "")
    if len(description) > rules.MAX_TEXT:
        raise Refused("invalid_request", f"description is longer than {rules.MAX_TEXT} characters")
    owner = known_member(cell, str(data.get("owner") or ""), "owner")
    raw_targets = data.get("targets") or []
    if not isinstance(raw_targets, list) or len(raw_targets) > rules.MAX_TARGETS:
        raise Refused("invalid_request", f"targets must be a list of at most {rules.MAX_TARGETS}")
    try:
        targets = tuple(rules.target(t, cell.registry.members) for t in raw_targets)
        status = rules.status(str(data.get("status") or "planned"))
        evidence = rules.evidence(data.get("evidence") or [])
    except PlanError as exc:
        raise Refused(
            "unknown_member" if isinstance(exc, rules.UnknownMember) else "invalid_request", str(exc)
        ) from None
    label = assignable_label(cell, user, str(data.get("label") or ""))
    fields = {
        "title": title,
        "owner": owner,
        "description": description,
        "targets": [t.to_json() for t in targets],
        "status": status,
        "deadline": _deadline(data.get("deadline")),
        "evidence": list(evidence),
        "label": label.text(),
    }
    return fields, label


def _row_values(fields: Mapping[str, Any], label_id: int) -> dict[str, Any]:
    return {
        "title": fields["title"],
        "owner": fields["owner"],
        "description": fields["description"],
        "targets": json.dumps(fields["targets"]),
        "status": fields["status"],
        "deadline": fields["deadline"],
        "evidence": json.dumps(fields["evidence"]),
        "label_id": label_id,
    }


def _snapshot(fields: Mapping[str, Any]) -> dict[str, Any]:
    deadline = fields["deadline"]
    return {**fields, "deadline": deadline.isoformat() if isinstance(deadline, date) else deadline}


def create(cell: Cell, user: User, data: Mapping[str, Any], path: str) -> PlanItem:
    """Store a new item and its first history entry; coordinators and administrators only."""
    if not may_oversee(user):
        raise Refused("forbidden", "only the coordinator or an administrator keeps the action plan")
    fields, label = _validated(cell, user, data)
    label_id = cell.labels.ensure(cell.db, [label])[label]
    now, item_id = cell.clock(), str(uuid.uuid4())
    with cell.db.write() as conn:
        conn.execute(
            oversight_plan_items.insert().values(
                id=item_id,
                version=1,
                originator=user.member,
                created_by=user.id,
                created_at=now,
                updated_at=now,
                **_row_values(fields, label_id),
            )
        )
        _history(conn, item_id, 1, sorted(FIELDS), _snapshot(fields), label_id, user, now)
        event = AuditEvent("write", "plan.create", path, user.member, user.name, [item_id], [label.text()])
        audit.append(conn, event, now)
        item = _get(cell, conn, item_id)
    assert item is not None
    return item


def update(
    cell: Cell,
    user: User,
    item_id: str,
    changes: Mapping[str, Any],
    path: str,
    expected_version: int | None = None,
) -> PlanItem:
    """Change some fields of a visible item, keeping the new version in the history; 404 for a hidden one.

    ``expected_version`` is the version the caller's changes were made against (a form's hidden
    field): when given, the change is refused as a conflict unless the item is still at that
    version when it is written, so a change made meanwhile is never silently overwritten. Without
    it, the changes apply to the version read here (still guarded against a concurrent writer).
    """
    with cell.db.read() as conn:
        current = visible(cell, conn, user, item_id)
    if current is None:
        raise not_found(item_id)
    if not may_oversee(user):
        raise Refused("forbidden", "only the coordinator or an administrator keeps the action plan")
    if expected_version is not None and expected_version != current.version:
        raise changed_meanwhile()
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Refused("invalid_request", f"an action-plan item has no field {sorted(unknown)[0]!r}")
    fields, label = _validated(cell, user, {**current.fields(), **changes})
    changed = rules.changed_fields(_snapshot(current.fields()), _snapshot(fields))
    if not changed:
        return current
    label_id = cell.labels.ensure(cell.db, [label])[label]
    now = cell.clock()
    # The caller's version when given (it equals current.version here), else the version read above.
    guard = current.version if expected_version is None else expected_version
    with cell.db.write() as conn:
        # The version is checked inside the write: the later writer is told, not silently merged.
        done = conn.execute(
            oversight_plan_items.update()
            .where(oversight_plan_items.c.id == item_id, oversight_plan_items.c.version == guard)
            .values(version=guard + 1, updated_at=now, **_row_values(fields, label_id))
        )
        if done.rowcount != 1:
            raise changed_meanwhile()
        _history(conn, item_id, guard + 1, changed, _snapshot(fields), label_id, user, now)
        labels = sorted({current.label, label.text()})
        detail = {"changed": changed, "version": guard + 1}
        audit.append(
            conn, AuditEvent("write", "plan.update", path, user.member, user.name, [item_id], labels, detail), now
        )
        item = _get(cell, conn, item_id)
    assert item is not None
    return item


def _history(
    conn: Connection,
    item_id: str,
    version: int,
    changed: Sequence[str],
    snapshot: Mapping[str, Any],
    label_id: int,
    user: User,
    now: datetime,
) -> None:
    conn.execute(
        oversight_plan_history.insert().values(
            item_id=item_id,
            version=version,
            changed_fields=json.dumps(list(changed)),
            snapshot=json.dumps(snapshot, sort_keys=True),
            label_id=label_id,
            originator=user.member,
            changed_by=user.id,
            changed_at=now,
        )
    )


def changed_meanwhile() -> Refused:
    """The refusal of a change made against a version that is no longer the item's."""
    return Refused("conflict", "the item changed meanwhile; read it again and retry")


def not_found(item_id: str) -> Refused:
    """The one refusal for an item that is missing or hidden from the caller."""
    return Refused("not_found", f"no action-plan item '{item_id}'")


def _item(cell: Cell, conn: Connection, row: Any) -> PlanItem:
    label = cell.labels.label(conn, row.label_id)
    return PlanItem(
        id=row.id,
        version=row.version,
        title=row.title,
        owner=row.owner,
        description=row.description,
        targets=tuple(Target(t["measure"], t["value"], t.get("member")) for t in json.loads(row.targets)),
        status=row.status,
        deadline=row.deadline,
        evidence=tuple(json.loads(row.evidence)),
        label=label.text() if label else "",
        originator=row.originator,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _get(cell: Cell, conn: Connection, item_id: str) -> PlanItem | None:
    row = conn.execute(select(oversight_plan_items).where(oversight_plan_items.c.id == item_id)).first()
    return _item(cell, conn, row) if row else None


def listing(cell: Cell, conn: Connection, user: User) -> list[PlanItem]:
    """The items the caller may read, oldest first."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    t = oversight_plan_items.c
    query = select(oversight_plan_items).where(readable.clause(t.label_id, t.originator, user.member)).order_by(t.pk)
    return [_item(cell, conn, row) for row in conn.execute(query)]


def visible(cell: Cell, conn: Connection, user: User, item_id: str) -> PlanItem | None:
    """The item if the caller may read it, else None (missing and hidden alike)."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    t = oversight_plan_items.c
    query = select(oversight_plan_items).where(t.id == item_id, readable.clause(t.label_id, t.originator, user.member))
    row = conn.execute(query).first()
    return _item(cell, conn, row) if row else None


def history(cell: Cell, conn: Connection, user: User, item_id: str) -> list[dict[str, Any]]:
    """The versions of a visible item the caller may read, oldest first: who changed what, when."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    h = oversight_plan_history.c
    query = (
        select(oversight_plan_history, users.c.name.label("user_name"), users.c.member.label("user_member"))
        .join(users, users.c.id == h.changed_by)
        .where(h.item_id == item_id, readable.clause(h.label_id, h.originator, user.member))
        .order_by(h.version)
    )
    return [
        {
            "version": r.version,
            "changed": json.loads(r.changed_fields),
            "item": json.loads(r.snapshot),
            "by": {"member": r.user_member, "user": r.user_name},
            "at": iso(r.changed_at),
        }
        for r in conn.execute(query)
    ]
