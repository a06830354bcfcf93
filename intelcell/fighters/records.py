"""Person records: submitted by a member under a label, versioned, read only by who may read them.

A record's id is ``f"{member}-{entity id}"``: two members' entity ids never collide, so storing a
record never depends on (or reveals) another member's. When the same member submits the same
entity id again, the new version becomes current and replaces the old one in the candidate
index; an identical resubmission (same properties, label and disclosure choices) stores nothing.

Who reads a record is DESIGN.md section 2 applied in SQL with the caller's readable label ids
(`visible`), the record's member being its originator: a record the caller may not read answers
exactly like one that does not exist.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, select, text

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.label import Label, LabelError
from intelcell.domain.person import Profile, blocking_keys
from intelcell.domain.policy import NotAssignable, Viewer, assignable
from intelcell.fighters import index, resolution, watchlists
from intelcell.fighters.entities import Entity, EntityError, validate_all
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.labels import Readable
from intelcell.store.schema import persons
from intelcell.store.users import User

MAX_PER_REQUEST = 1000
_CHUNK = 500


class SubmitError(ValueError):
    """A refused submission (nothing was stored): ``kind`` names the refusal, ``reason`` explains.

    Kinds: ``invalid_entity``, ``invalid_label``, ``label_not_permitted``.
    """

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass(frozen=True)
class Record:
    """One version of a person record with its provenance."""

    pk: int
    id: str
    version: int
    member: str
    label: str
    entity: dict[str, Any]
    status: str | None
    profile: Profile
    discoverable: bool
    disclose_holder: bool
    created_at: datetime

    def provenance(self) -> dict[str, Any]:
        """Who contributed this version, under which label, when."""
        return {
            "member": self.member,
            "label": self.label,
            "version": self.version,
            "created": iso(self.created_at),
            "status": self.status,
        }

    def to_json(self) -> dict[str, Any]:
        """The FollowTheMoney entity with an ``intelcell`` provenance member."""
        return {**self.entity, "intelcell": self.provenance()}


def record_id(member: str, entity_id: str) -> str:
    """The record id of a member's entity."""
    return f"{member}-{entity_id}"


def assignable_label(cell: Cell, user: User, text: str) -> Label:
    """The label ``text`` names, if ``user`` may assign it (domain.policy.assignable).

    The rule of exchange ingest and RFIs (``can_read`` with the submitter's member as originator).
    """
    try:
        return assignable(text, cell.vocabulary, user.viewer, cell.registry)
    except LabelError as exc:
        raise SubmitError("invalid_label", str(exc)) from None
    except NotAssignable as exc:
        raise SubmitError("label_not_permitted", str(exc)) from None


def visible(readable: Readable, member: str) -> ColumnElement[bool]:
    """SQL: a ``persons`` row the viewer with ``readable`` labels, of ``member``, may read."""
    return readable.clause(persons.c.label_id, persons.c.member, member)


def _visible_to(cell: Cell, conn: Connection, viewer: Viewer) -> ColumnElement[bool]:
    return visible(cell.labels.readable(conn, viewer, cell.registry), viewer.member)


def _record_of(row: Any, label_text: str, profile: Profile | None = None) -> Record:
    return Record(
        pk=row.pk,
        id=row.id,
        version=row.version,
        member=row.member,
        label=label_text,
        entity=json.loads(row.entity),
        status=row.status,
        profile=profile if profile is not None else Profile.from_json(json.loads(row.profile)),
        discoverable=bool(row.discoverable),
        disclose_holder=bool(row.disclose_holder),
        created_at=row.created_at,
    )


def _label_text(cell: Cell, conn: Connection, label_id: int) -> str:
    label = cell.labels.label(conn, label_id)
    return label.text() if label else ""


def _record(cell: Cell, conn: Connection, row: Any) -> Record:
    return _record_of(row, _label_text(cell, conn, row.label_id))


def _serialise_member(conn: Connection, member: str) -> None:
    # PostgreSQL: one member's person writes take turns, so two submissions of the same entity id
    # never both claim the next version. SQLite's single writer already serialises.
    if conn.dialect.name == "postgresql":
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"intelcell:persons:{member}").int % (2**62)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _current_rows(conn: Connection, ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(persons).where(persons.c.id.in_(ids[start : start + _CHUNK]), persons.c.is_current)
        found.update({row.id: row for row in conn.execute(query)})
    return found


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _store_batch(
    conn: Connection,
    user: User,
    entities: Sequence[Entity],
    label: Label,
    label_id: int,
    discoverable: bool,
    disclose_holder: bool,
    now: datetime,
) -> tuple[list[Record], list[Record]]:
    """Store one batch in the caller's transaction: every entity's current record, and those stored now."""
    _serialise_member(conn, user.member)
    ids = [record_id(user.member, e.entity_id) for e in entities]
    current = _current_rows(conn, ids)
    out: list[Record] = []
    fresh: list[tuple[int, dict[str, Any], int | None, set[str]]] = []  # position, row, old pk, keys
    for rid, entity in zip(ids, entities, strict=True):
        body = entity.body(rid)
        text_form = _dumps(body)
        old = current.get(rid)
        same = (text_form, label_id, discoverable, disclose_holder)
        if old is not None and (old.entity, old.label_id, bool(old.discoverable), bool(old.disclose_holder)) == same:
            out.append(_record_of(old, label.text(), entity.profile))
            continue
        version = old.version + 1 if old is not None else 1
        row = {
            "id": rid,
            "version": version,
            "member": user.member,
            "user_id": user.id,
            "label_id": label_id,
            "entity": text_form,
            "profile": _dumps(entity.profile.to_json()),
            "status": entity.status,
            "discoverable": discoverable,
            "disclose_holder": disclose_holder,
            "is_current": True,
            "created_at": now,
        }
        fresh.append((len(out), row, old.pk if old is not None else None, blocking_keys(entity.profile)))
        out.append(
            Record(0, rid, version, user.member, label.text(), body, entity.status, entity.profile,
                   discoverable, disclose_holder, now)
        )  # fmt: skip
    if not fresh:
        return out, []
    old_pks = [old for _n, _row, old, _keys in fresh if old is not None]
    for start in range(0, len(old_pks), _CHUNK):
        chunk = old_pks[start : start + _CHUNK]
        conn.execute(persons.update().where(persons.c.pk.in_(chunk)).values(is_current=False))
    inserted = conn.execute(
        persons.insert().returning(persons.c.pk, sort_by_parameter_order=True), [row for _n, row, _o, _k in fresh]
    )
    pks = [r.pk for r in inserted]
    index.replace_keys_many(conn, [(pk, old, keys) for pk, (_n, _r, old, keys) in zip(pks, fresh, strict=True)])
    stored = []
    for pk, (n, _row, _old, _keys) in zip(pks, fresh, strict=True):
        out[n] = replace(out[n], pk=pk)
        stored.append(out[n])
    return out, stored


def submit(
    cell: Cell,
    user: User,
    entities: Sequence[Any],
    label_text: str,
    discoverable: bool = True,
    disclose_holder: bool = False,
    *,
    path: str = "api: persons",
    link: bool = True,
) -> list[Record]:
    """Validate every entity, then store them all under the label in one transaction (then link them).

    Raises SubmitError and stores nothing when the label or any entity is refused; refusals name
    the entity by its position (``entities[3]``), its id and the property.
    """
    label = assignable_label(cell, user, label_text)
    try:
        valid = validate_all((f"entities[{n}]", entity) for n, entity in enumerate(entities))
    except EntityError as exc:
        raise SubmitError("invalid_entity", exc.reason) from None
    return store(cell, user, valid, label, discoverable, disclose_holder, path=path, link=link)


def store(
    cell: Cell,
    user: User,
    valid: Sequence[Entity],
    label: Label,
    discoverable: bool = True,
    disclose_holder: bool = False,
    *,
    path: str = "api: persons",
    batch_size: int | None = None,
    link: bool = True,
) -> list[Record]:
    """Store validated entities under a label `assignable_label` returned; each entity's current record.

    One transaction, with one audit entry naming the records stored; with ``batch_size`` (large
    imports, validated whole beforehand) that many entities per transaction, so the server's
    writers are not held up for the length of a file. With ``link``, each committed batch is then
    linked into persons (incremental resolution); a loader that resolves in batch afterwards
    passes False.
    """
    label_id = cell.labels.ensure(cell.db, [label])[label]  # committed before the records that use it
    size = batch_size or max(len(valid), 1)
    out: list[Record] = []
    for start in range(0, len(valid), size):
        now = cell.clock()
        with cell.db.write() as conn:
            batch, stored = _store_batch(
                conn, user, valid[start : start + size], label, label_id, discoverable, disclose_holder, now
            )
            if stored:
                detail = {
                    "versions": {r.id: r.version for r in stored},
                    "discoverable": discoverable,
                    "disclose_holder": disclose_holder,
                }
                ids = [r.id for r in stored]
                event = AuditEvent("write", "person.add", path, user.member, user.name, ids, [label.text()], detail)
                audit.append(conn, event, now)
                # Continuous screening: members' watchlists hear of these versions with them, or not at all.
                watchlists.match_records(conn, stored, now)
        if stored and link:
            # After the commit: a resolution failure must never refuse records already stored.
            resolution.resolve_records(cell, None, [r.id for r in stored])
        out.extend(batch)
    return out


def get(cell: Cell, conn: Connection, user: User, rid: str) -> Record | None:
    """The current version of a record if the caller may read it; None alike when absent or unreadable."""
    query = select(persons).where(persons.c.id == rid, persons.c.is_current, _visible_to(cell, conn, user.viewer))
    row = conn.execute(query).first()
    return _record(cell, conn, row) if row is not None else None


def versions(cell: Cell, conn: Connection, user: User, rid: str) -> list[Record]:
    """The versions of a record the caller may read, oldest first (empty alike when absent or unreadable)."""
    query = select(persons).where(persons.c.id == rid, _visible_to(cell, conn, user.viewer)).order_by(persons.c.version)
    return [_record(cell, conn, row) for row in conn.execute(query)]


def export(cell: Cell, conn: Connection, viewer: User | Viewer) -> Iterator[dict[str, Any]]:
    """FollowTheMoney entities with ``intelcell`` provenance: current records ``viewer`` may read, by id."""
    seen = viewer.viewer if isinstance(viewer, User) else viewer
    query = (
        select(persons)
        .where(persons.c.is_current, _visible_to(cell, conn, seen))
        .order_by(persons.c.id)
        .execution_options(yield_per=1000)
    )
    with conn.execute(query) as rows:
        for row in rows:
            provenance = {
                "member": row.member,
                "label": _label_text(cell, conn, row.label_id),
                "version": row.version,
                "created": iso(row.created_at),
                "status": row.status,
            }
            yield {**json.loads(row.entity), "intelcell": provenance}
