"""Labelled STIX 2.1 objects: every version kept, with provenance and portion labels."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stix2
import stix2.exceptions
from sqlalchemy import Connection, func, select

from intelcell.domain import marking
from intelcell.domain.label import Label, LabelError, Vocabulary, parse
from intelcell.domain.portion import SelectorError, check_selector
from intelcell.store.schema import stix_objects
from intelcell.store.users import User


class ObjectError(ValueError):
    """A STIX object that cannot be stored; the message says why."""


@dataclass(frozen=True)
class StoredObject:
    """One version of a STIX object with its label, portion labels and provenance."""

    stix_id: str
    type: str
    modified: str
    body: dict[str, Any]
    label: Label
    portions: dict[str, Label]
    originator: str


def _version_of(obj: Mapping[str, Any]) -> str:
    # SCOs and marking-definitions have no "modified"; their "created" (or nothing) stands in.
    return str(obj.get("modified") or obj.get("created") or "")


def put(
    conn: Connection,
    obj: Mapping[str, Any],
    label: Label,
    portions: Mapping[str, Label],
    user: User,
    now: datetime,
) -> StoredObject:
    """Validate and store one version of ``obj`` under ``label``; raise ObjectError."""
    try:
        parsed = stix2.parse(dict(obj), allow_custom=True, version="2.1")
    except (stix2.exceptions.STIXError, ValueError, TypeError) as exc:
        raise ObjectError(f"not a valid STIX 2.1 object: {exc}") from exc
    if isinstance(parsed, dict):
        raise ObjectError(f"unknown STIX object type '{obj.get('type')}'")
    created, modified = parsed.get("created"), parsed.get("modified")
    if created and modified and modified < created:
        raise ObjectError("not a valid STIX 2.1 object: modified is earlier than created")
    # Keep the submitted text (timestamp precision included): versions are matched on it.
    body = json.loads(json.dumps(dict(obj)))
    for selector in portions:
        try:
            check_selector(body, selector)
        except SelectorError as exc:
            raise ObjectError(str(exc)) from exc
    body["object_marking_refs"] = _marking_refs(label)
    if portions:
        body["granular_markings"] = [
            {"marking_ref": marking.marking_id(portion), "selectors": [selector]}
            for selector, portion in sorted(portions.items())
        ]
    version = _version_of(body)
    exists = select(func.count()).where(
        stix_objects.c.stix_id == body["id"], stix_objects.c.modified == version
    )
    if conn.execute(exists).scalar_one():
        raise ObjectError(f"{body['id']} version {version or '(unversioned)'} is already stored")
    conn.execute(
        stix_objects.insert().values(
            stix_id=body["id"],
            type=body["type"],
            modified=version,
            body=json.dumps(body),
            label=label.text(),
            portions=json.dumps({s: p.text() for s, p in portions.items()}),
            originator=user.member,
            submitted_by=user.id,
            submitted_at=now,
        )
    )
    return StoredObject(body["id"], body["type"], version, body, label, dict(portions), user.member)


def _marking_refs(label: Label) -> list[str]:
    refs = [marking.marking_id(label)]
    if label.tlp:
        refs.append(marking.TLP_IDS[label.tlp])
    return refs


def _from_row(row: Any, vocabulary: Vocabulary) -> StoredObject | None:
    try:
        label = parse(row.label, vocabulary)
        portions = {s: parse(t, vocabulary) for s, t in json.loads(row.portions).items()}
    except LabelError:
        return None  # a label the registry no longer understands: fail closed
    body = json.loads(row.body)
    return StoredObject(row.stix_id, row.type, row.modified, body, label, portions, row.originator)


def latest(conn: Connection, stix_id: str, vocabulary: Vocabulary) -> StoredObject | None:
    """The newest stored version of an object, or None."""
    query = (
        select(stix_objects)
        .where(stix_objects.c.stix_id == stix_id)
        .order_by(stix_objects.c.modified.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return _from_row(row, vocabulary) if row else None


def all_latest(conn: Connection, vocabulary: Vocabulary) -> list[StoredObject]:
    """The newest version of every stored object, by id."""
    newest = (
        select(stix_objects.c.stix_id, func.max(stix_objects.c.modified).label("modified"))
        .group_by(stix_objects.c.stix_id)
        .subquery()
    )
    query = (
        select(stix_objects)
        .join(
            newest,
            (newest.c.stix_id == stix_objects.c.stix_id) & (newest.c.modified == stix_objects.c.modified),
        )
        .order_by(stix_objects.c.stix_id)
    )
    found = (_from_row(row, vocabulary) for row in conn.execute(query))
    return [obj for obj in found if obj is not None]
