"""TAXII collections: who may read and write each one, its default label and its release limit."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, select

from intelcell.cell import Cell
from intelcell.domain.label import Label
from intelcell.domain.policy import can_read, releasability
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import collections
from intelcell.store.users import User


class CollectionError(ValueError):
    """A collection definition that cannot be stored; the message says why."""


@dataclass(frozen=True)
class Collection:
    """A TAXII collection of intelcell."""

    id: str
    title: str
    description: str
    alias: str | None
    default_label: Label
    readers: tuple[str, ...]
    writers: tuple[str, ...]
    release_limit: tuple[str, ...]

    def can_read(self, user: User, cell: Cell) -> bool:
        """Whether the user's member may read from this collection."""
        return user.member in cell.registry.expand(self.readers)

    def can_write(self, user: User, cell: Cell) -> bool:
        """Whether the user's member may add objects to this collection."""
        return user.member in cell.registry.expand(self.writers)

    def assign_refusal(self, user: User, label: Label, cell: Cell) -> str | None:
        """Why ``user`` may not put ``label`` on an object in this collection; None when it may.

        The one rule of TAXII ingest and of the label picker: within the user's clearance and
        caveats (it could read its own member's object under the label), and releasing no further
        than the administrator allows this collection.
        """
        if not can_read(user.viewer, label, user.member, cell.registry):
            return "is above what the submitter may assign (clearance or caveats)"
        if not self.allows_release(label, cell):
            return "releases beyond what this collection allows"
        return None

    def allows_release(self, label: Label, cell: Cell) -> bool:
        """Whether a label stays within what the administrator allows this collection to release."""
        allowed = cell.registry.expand(self.release_limit) | {label.policy}
        return releasability(label, cell.registry) <= allowed

    def to_taxii(self, user: User, cell: Cell) -> dict[str, object]:
        """The TAXII collection resource as ``user`` sees it."""
        resource: dict[str, object] = {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "can_read": self.can_read(user, cell),
            "can_write": self.can_write(user, cell),
            "media_types": ["application/stix+json;version=2.1"],
        }
        if self.alias:
            resource["alias"] = self.alias
        return resource


def _codes(cell: Cell, codes: list[str], what: str) -> list[str]:
    out = [c.upper() for c in codes]
    unknown = [c for c in out if c not in cell.registry.members and c not in cell.registry.communities]
    if unknown:
        raise CollectionError(f"unknown member or community in {what}: {', '.join(unknown)}")
    if not out:
        raise CollectionError(f"{what} must name at least one member or community")
    return out


def create(
    cell: Cell,
    *,
    title: str,
    description: str,
    default_label: Label,
    readers: list[str],
    writers: list[str],
    release_limit: list[str],
    alias: str | None,
    audit_path: str,
    collection_id: str | None = None,
) -> Collection:
    """Define a collection (audited); raise CollectionError on a defect."""
    if not title.strip():
        raise CollectionError("a collection needs a title")
    label_ids = cell.labels.ensure(cell.db, [default_label])
    made = Collection(
        collection_id or str(uuid.uuid4()),
        title,
        description,
        alias,
        default_label,
        tuple(_codes(cell, readers, "readers")),
        tuple(_codes(cell, writers, "writers")),
        tuple(_codes(cell, release_limit, "release limit")),
    )
    if not made.allows_release(default_label, cell):
        raise CollectionError(f"default label {default_label.text()} releases beyond the release limit")
    now = cell.clock()
    with cell.db.write() as conn:
        taken = [made.id, *([alias] if alias else [])]
        if conn.execute(
            select(collections.c.id).where(collections.c.id.in_(taken) | collections.c.alias.in_(taken))
        ).first():
            raise CollectionError(f"a collection with id or alias '{alias or made.id}' exists")
        conn.execute(
            collections.insert().values(
                id=made.id,
                title=title,
                description=description,
                alias=alias,
                default_label_id=label_ids[default_label],
                readers=json.dumps(made.readers),
                writers=json.dumps(made.writers),
                release_limit=json.dumps(made.release_limit),
                created_at=now,
            )
        )
        event = AuditEvent(
            "write", "collection.create", audit_path, None, None, detail={"collection": made.id, "title": title}
        )
        audit.append(conn, event, now)
    return made


def _from_row(conn: Connection, cell: Cell, row: object) -> Collection | None:
    r = row._mapping  # type: ignore[attr-defined]
    label = cell.labels.label(conn, r["default_label_id"])
    if label is None:
        return None
    return Collection(
        r["id"],
        r["title"],
        r["description"],
        r["alias"],
        label,
        tuple(json.loads(r["readers"])),
        tuple(json.loads(r["writers"])),
        tuple(json.loads(r["release_limit"])),
    )


def all_collections(conn: Connection, cell: Cell) -> list[Collection]:
    """Every collection, sorted by id (TAXII 2.1 section 3.3: a consistent order; interop: by id)."""
    rows = conn.execute(select(collections).order_by(collections.c.id))
    found = (_from_row(conn, cell, row) for row in rows)
    return [c for c in found if c is not None]


def get(conn: Connection, cell: Cell, collection_id: str) -> Collection | None:
    """A collection by id or alias, or None."""
    query = select(collections).where((collections.c.id == collection_id) | (collections.c.alias == collection_id))
    row = conn.execute(query).first()
    return _from_row(conn, cell, row) if row else None
