"""A STIX 2.1 bundle uploaded into a collection: every object judged first, then stored through TAXII's ingest.

`read_bundle` parses the file (a STIX bundle, or a TAXII envelope's ``objects``). `preview` judges
every object with `ingest.judge`, the very checks TAXII applies (STIX validation, label binding,
label authorisation per object: a label above the uploader's clearance is refused with its
reason), and adds what only storing would find out: objects already stored identically (not
stored again) and versions that conflict with a stored one. `store` then hands the objects that
passed to `ingest.store`, the same transaction, audit entry and status resource as a TAXII
``POST``: nothing is stored when an object fails unless the user accepts a partial load.

Duplicate checks see only versions the uploader may know of (its readable ones, and its
member's own), exactly as ingest's do, so a report never reveals a hidden version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, or_, select

from intelcell.cell import Cell
from intelcell.exchange import ingest
from intelcell.exchange.access import access_for
from intelcell.exchange.collections import Collection
from intelcell.fighters.uploads import UploadError, decode
from intelcell.store.schema import objects
from intelcell.store.users import User

ALREADY = "already stored identically in this collection: not stored again"


@dataclass(frozen=True)
class Item:
    """One object of the bundle as the report shows it; ``reason`` is None when it will be stored."""

    index: int
    id: str
    type: str
    reason: str | None = None


@dataclass(frozen=True)
class BundleReport:
    """Every object of a bundle, judged: what will be stored, what is already there, what cannot be."""

    objects: list[Any]
    definitions: list[Item]  # intelcell label definitions the bundle carries: registered, not stored as objects
    storable: list[Item]
    present: list[Item]
    problems: list[Item]

    @property
    def checked(self) -> int:
        """How many objects the bundle holds."""
        return len(self.objects)


def read_bundle(data: bytes, max_objects: int | None = None) -> list[Any]:
    """The objects of a STIX bundle file; UploadError when it is not one (or holds more than ``max_objects``)."""
    text = decode(data)
    try:
        bundle = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise UploadError(
            f"The file is not JSON: line {exc.lineno:,}, column {exc.colno:,}: {exc.msg}. Nothing was stored."
        ) from None
    if not isinstance(bundle, dict) or not isinstance(bundle.get("objects"), list):
        raise UploadError("The file is not a STIX bundle: a JSON object with an 'objects' list.")
    if "type" in bundle and bundle["type"] != "bundle":
        raise UploadError(f"The file is a STIX {str(bundle['type'])[:40]!r}, not a bundle of objects.")
    found: list[Any] = bundle["objects"]
    if not found:
        raise UploadError("The bundle holds no objects.")
    if max_objects is not None and len(found) > max_objects:
        raise UploadError(
            f"The bundle holds {len(found):,} objects; one upload may hold at most {max_objects:,}. "
            "Split it into smaller bundles."
        )
    return found


def _describe(index: int, obj: Any, reason: str | None = None) -> Item:
    stix_id = obj.get("id") if isinstance(obj, dict) else None
    kind = obj.get("type") if isinstance(obj, dict) else None
    return Item(
        index, stix_id if isinstance(stix_id, str) else "(no id)", kind if isinstance(kind, str) else "?", reason
    )


def _same_object(accepted: ingest.Accepted, obj: Any) -> bool:
    """Whether ``accepted`` is judge's verdict on ``obj`` (ingest rewrites only object_marking_refs)."""
    if not isinstance(obj, dict) or accepted.stix_id != obj.get("id"):
        return False
    if obj.get("type") == "marking-definition":
        return accepted.body == obj
    strip = "object_marking_refs"
    return {k: v for k, v in accepted.body.items() if k != strip} == {k: v for k, v in obj.items() if k != strip}


def preview(cell: Cell, user: User, collection: Collection, found: list[Any]) -> BundleReport:
    """Judge every object as TAXII ingest would, and find those already stored or conflicting; store nothing."""
    with cell.db.read() as conn:
        accepted, failures, definitions = ingest.judge(cell, conn, user, collection, found)
        stored = _stored_versions(conn, cell, user, collection, accepted)
    labels: list[Item] = []
    storable: list[Item] = []
    present: list[Item] = []
    problems: list[Item] = []
    # judge keeps the bundle's order in both lists: walk them side by side to give each verdict its index.
    next_ok, next_failure = 0, 0
    for index, obj in enumerate(found):
        if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"] in definitions:
            labels.append(_describe(index, obj))
            continue
        if next_ok < len(accepted) and _same_object(accepted[next_ok], obj):
            item = accepted[next_ok]
            next_ok += 1
            versions = stored.get(item.stix_id, [])
            same = [(body, readable) for version, body, readable in versions if version == item.version]
            if not item.version:  # no created/modified: each upload would add a version (date_added)
                same = [(body, readable) for _version, body, readable in versions]
            if any(body == item.body_text for body, _readable in same):
                present.append(_describe(index, obj, ALREADY))
            elif item.version and any(readable for _body, readable in same):
                problems.append(_describe(index, obj, ingest.CONFLICT))
            else:
                storable.append(_describe(index, obj))
            continue
        reason = failures[next_failure].message if next_failure < len(failures) else "cannot be stored"
        next_failure += 1
        problems.append(_describe(index, obj, reason))
    return BundleReport(found, labels, storable, present, problems)


def _stored_versions(
    conn: Connection, cell: Cell, user: User, collection: Collection, accepted: list[ingest.Accepted]
) -> dict[str, list[tuple[str, str, bool]]]:
    """(version, body, readable) of the stored versions of these ids the uploader may know of, by id.

    As in ingest: readable versions can conflict, the member's own unreadable ones only count as
    duplicates when identical, and any other version never influences the answer.
    """
    access = access_for(cell, conn, user, collection.id)
    readable = access.clause(objects)
    ids = sorted({a.stix_id for a in accepted})
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for start in range(0, len(ids), 500):
        query = select(objects.c.stix_id, objects.c.version, objects.c.body, readable.label("readable")).where(
            objects.c.collection_id == collection.id,
            objects.c.stix_id.in_(ids[start : start + 500]),
            or_(readable, objects.c.originator == user.member),
        )
        for row in conn.execute(query):
            out.setdefault(row.stix_id, []).append((row.version, row.body, bool(row.readable)))
    return out


def store(cell: Cell, user: User, collection: Collection, report: BundleReport, path: str) -> dict[str, Any]:
    """Store the report's storable objects through `ingest.store` (one transaction); the TAXII status resource."""
    chosen = [report.objects[item.index] for item in report.definitions + report.storable]
    return ingest.store(cell, user, collection, chosen, path)
