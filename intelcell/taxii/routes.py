"""TAXII 2.1 endpoints: discovery, API root, status, collections, objects, manifest, versions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection, delete
from starlette.concurrency import run_in_threadpool

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.cell import Cell
from intelcell.domain.stix_time import shown
from intelcell.exchange import collections, cursors, ingest, status
from intelcell.exchange.access import access_for, served
from intelcell.exchange.collections import Collection
from intelcell.exchange.query import FilterError, Filters, parse_filters, select_versions
from intelcell.store import audit, fulltext
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import objects as objects_table
from intelcell.store.users import User
from intelcell.taxii.media import (
    STIX_MEDIA_TYPE,
    TaxiiError,
    check_accept,
    check_content_type,
    taxii_response,
)

API_ROOT = "cell"
EPOCH = "1970-01-01T00:00:00.000000Z"
router = APIRouter(prefix="/taxii2", tags=["TAXII 2.1"], dependencies=[Depends(check_accept)])
Caller = Annotated[User, Depends(current_user)]


def _root(api_root: str) -> None:
    if api_root != API_ROOT:
        raise TaxiiError(404, "Not Found", f"no API root '{api_root}'")


@router.get("/")
def discovery(_user: Caller) -> Response:
    """The discovery resource: this server's API roots."""
    # Relative URLs: the specification allows only HTTPS absolute URLs or relative ones.
    return taxii_response(
        {
            "title": "intelcell TAXII 2.1",
            "description": "Coalition terrorism intelligence cell: labelled STIX 2.1 exchange.",
            "default": f"/taxii2/{API_ROOT}/",
            "api_roots": [f"/taxii2/{API_ROOT}/"],
        }
    )


@router.get("/{api_root}/")
def api_root(api_root: str, request: Request, _user: Caller) -> Response:
    """The API root resource."""
    _root(api_root)
    return taxii_response(
        {
            "title": "intelcell cell API root",
            "description": "Collections of the cell; every object is under a confidentiality label.",
            "versions": ["application/taxii+json;version=2.1"],
            "max_content_length": cell_of(request).settings.max_body_bytes,
        }
    )


@router.get("/{api_root}/status/{status_id}/")
def get_status(api_root: str, status_id: str, request: Request, user: Caller) -> Response:
    """A status resource, for the user that submitted the request (404 alike for anyone else)."""
    _root(api_root)
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = status.get_status(conn, status_id, user, cell.clock(), cell.settings.status_retention_hours)
    if found is None:
        raise TaxiiError(404, "Not Found", f"no status '{status_id}'")
    return taxii_response(found)


@router.get("/{api_root}/collections/")
def list_collections(api_root: str, request: Request, user: Caller) -> Response:
    """Every collection with this caller's can_read and can_write, in a stable order."""
    _root(api_root)
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = collections.all_collections(conn, cell)
    return taxii_response({"collections": [c.to_taxii(user, cell) for c in found]} if found else {})


def _collection(cell: Cell, conn: Connection, api_root: str, collection_id: str) -> Collection:
    _root(api_root)
    found = collections.get(conn, cell, collection_id)
    if found is None:
        raise TaxiiError(404, "Not Found", f"no collection '{collection_id}'")
    return found


@router.get("/{api_root}/collections/{collection_id}/")
def get_collection(api_root: str, collection_id: str, request: Request, user: Caller) -> Response:
    """One collection."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = _collection(cell, conn, api_root, collection_id)
    return taxii_response(found.to_taxii(user, cell))


def _readable_collection(cell: Cell, conn: Connection, api_root: str, collection_id: str, user: User) -> Collection:
    found = _collection(cell, conn, api_root, collection_id)
    if not found.can_read(user, cell):
        raise TaxiiError(403, "Forbidden", f"{user.member} may not read collection '{collection_id}'")
    return found


def _limit(request: Request, cell: Cell) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return cell.settings.max_page_size
    if not raw.isdigit() or int(raw) < 1:
        raise TaxiiError(400, "Bad Request", f"limit must be a positive integer, not '{raw}'")
    return min(int(raw), cell.settings.max_page_size)


def _filters(request: Request, default_versions: tuple[str, ...] = ("last",)) -> Filters:
    for key in set(request.query_params.keys()):
        if (key in ("added_after", "limit", "next") or key.startswith("match[")) and len(
            request.query_params.getlist(key)
        ) > 1:
            raise TaxiiError(400, "Bad Request", f"'{key}' may appear only once (TAXII 2.1 section 3.4)")
    try:
        return parse_filters(request.query_params, default_versions)
    except FilterError as exc:
        raise TaxiiError(400, "Bad Request", str(exc)) from None


class _Page:
    """One page of readable versions with its cursor and date headers."""

    def __init__(
        self,
        request: Request,
        user: User,
        endpoint: str,
        filters: Filters,
        *,
        collection: Collection,
        object_id: str | None = None,
    ) -> None:
        self.cell = cell_of(request)
        self.filters = filters
        limit = _limit(request, self.cell)
        scope = f"{endpoint}|{collection.id}|{object_id}|{filters.key()}"
        now = self.cell.clock()
        with self.cell.db.read() as conn:
            after = 0
            token = request.query_params.get("next")
            if token:
                resolved = cursors.resolve(conn, token, user.id, scope, now)
                if resolved is None:
                    raise TaxiiError(400, "Bad Request", "unknown or expired 'next' value")
                after = resolved
            self.access = access_for(self.cell, conn, user, collection.id)
            if object_id is not None:
                filters = Filters(filters.added_after, (object_id,), (), filters.versions, filters.spec_versions)
            self.rows, self.more = select_versions(
                conn, self.access, filters, after_pk=after, limit=limit, collection_id=collection.id
            )
            released = self.rows if endpoint == "objects" else []
            self.bodies = [served(self.cell, conn, row, user.viewer) for row in released]
            # Label texts for the audit entry, read in this same transaction.
            self.labels = [(lab.text() if (lab := self.cell.labels.label(conn, r.label_id)) else "") for r in released]
        self.next: str | None = None
        if self.more:
            with self.cell.db.write() as conn:
                self.next = cursors.issue(conn, user.id, scope, self.rows[-1].pk, now)

    def headers(self) -> dict[str, str]:
        """X-TAXII-Date-Added-First and -Last of this page (TAXII 2.1 section 3.2), microsecond precision.

        An empty page still carries both (clients break without them): the ``added_after`` it
        was asked with, else the epoch, so continuing from ``-Last`` never skips an object.
        """
        if not self.rows:
            empty = self.filters.added_after or EPOCH
            return {"X-TAXII-Date-Added-First": empty, "X-TAXII-Date-Added-Last": empty}
        return {
            "X-TAXII-Date-Added-First": self.rows[0].date_added,
            "X-TAXII-Date-Added-Last": self.rows[-1].date_added,
        }

    def envelope_head(self) -> dict[str, Any]:
        """``more`` and, when there is more, ``next``."""
        head: dict[str, Any] = {"more": self.more}
        if self.next:
            head["next"] = self.next
        return head


def _404_unless_readable(page: _Page, object_id: str, collection: Collection, collection_id: str) -> None:
    """404 when the caller can read no version of the object at all; an object that exists for
    them but has no version matching the filters is an empty envelope (TAXII 2.1 section 5.6)."""
    with page.cell.db.read() as conn:
        rows, _ = select_versions(
            conn, page.access, Filters(ids=(object_id,), versions=("all",)), limit=1, collection_id=collection.id
        )
    if not rows:
        raise TaxiiError(404, "Not Found", f"no object '{object_id}' in collection '{collection_id}'")


def _audit_release(request: Request, user: User, page: _Page, op: str) -> None:
    record_read(request, user, op, [r.stix_id for r in page.rows], page.labels)


def _envelope_bytes(head: dict[str, Any], bodies: list[str]) -> bytes:
    # Bodies are stored as JSON text: splice them instead of parsing and re-serialising each one.
    if not bodies:
        return json.dumps(head).encode()
    return (json.dumps(head)[:-1] + ',"objects":[' + ",".join(bodies) + "]}").encode()


@router.get("/{api_root}/collections/{collection_id}/objects/")
def get_objects(api_root: str, collection_id: str, request: Request, user: Caller) -> Response:
    """Objects the caller may read, oldest added first, one page at a time."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        collection = _readable_collection(cell, conn, api_root, collection_id, user)
    page = _Page(request, user, "objects", _filters(request), collection=collection)
    _audit_release(request, user, page, "taxii.objects")
    return taxii_response(_envelope_bytes(page.envelope_head(), page.bodies), headers=page.headers())


@router.post("/{api_root}/collections/{collection_id}/objects/", status_code=202)
async def add_objects(api_root: str, collection_id: str, request: Request, user: Caller) -> Response:
    """Add an envelope of objects; answer 202 with the status resource."""
    check_content_type(request)
    cell = cell_of(request)
    try:
        envelope = orjson.loads(await request.body())
    except (orjson.JSONDecodeError, UnicodeDecodeError):
        raise TaxiiError(400, "Bad Request", "request body is not valid JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(422, "Unprocessable Entity", "the body must be a TAXII envelope with an 'objects' list")
    if not envelope["objects"]:
        raise TaxiiError(422, "Unprocessable Entity", "the envelope carries no objects")
    if len(envelope["objects"]) > cell.settings.max_envelope_objects:
        # Not 413: a body below max_content_length MUST NOT get 413 (TAXII 2.1 section 4.2.1).
        raise TaxiiError(
            422, "Too Many Objects", f"an envelope may carry at most {cell.settings.max_envelope_objects} objects"
        )
    with cell.db.read() as conn:
        collection = _collection(cell, conn, api_root, collection_id)
    if not collection.can_write(user, cell):
        raise TaxiiError(403, "Forbidden", f"{user.member} may not write to collection '{collection_id}'")
    resource = await run_in_threadpool(
        ingest.store, cell, user, collection, envelope["objects"], f"POST {request.url.path}"
    )
    return taxii_response(resource, status=202)


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/")
def get_object(api_root: str, collection_id: str, object_id: str, request: Request, user: Caller) -> Response:
    """The versions of one object the caller may read (default: the latest); 404 if none."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        collection = _readable_collection(cell, conn, api_root, collection_id, user)
    page = _Page(request, user, "objects", _filters(request), collection=collection, object_id=object_id)
    if not page.rows and not request.query_params.get("next"):
        _404_unless_readable(page, object_id, collection, collection_id)
    _audit_release(request, user, page, "taxii.object")
    return taxii_response(_envelope_bytes(page.envelope_head(), page.bodies), headers=page.headers())


@router.delete("/{api_root}/collections/{collection_id}/objects/{object_id}/")
def delete_object(api_root: str, collection_id: str, object_id: str, request: Request, user: Caller) -> Response:
    """Delete versions of an object; only its originating member may, and only what it can read."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        collection = _collection(cell, conn, api_root, collection_id)
        readable, writable = collection.can_read(user, cell), collection.can_write(user, cell)
        if not readable and not writable:  # TAXII 2.1 section 5.7's table: 404 when neither
            raise TaxiiError(404, "Not Found", f"no collection '{collection_id}'")
        if not (readable and writable):
            raise TaxiiError(403, "Forbidden", f"{user.member} may not delete from collection '{collection_id}'")
        filters = _filters(request, default_versions=("all",))
        access = access_for(cell, conn, user, collection.id)
        filters = Filters(None, (object_id,), (), filters.versions, filters.spec_versions)
        rows, _ = select_versions(conn, access, filters, collection_id=collection.id)
    if not rows:
        raise TaxiiError(404, "Not Found", f"no object '{object_id}' in collection '{collection_id}'")
    if any(row.originator != user.member for row in rows):
        raise TaxiiError(403, "Forbidden", "only the originating member may delete an object's versions")
    now = cell.clock()
    with cell.db.write() as conn:
        fulltext.unindex(conn, [r.pk for r in rows])
        conn.execute(delete(objects_table).where(objects_table.c.pk.in_([r.pk for r in rows])))
        labels = [(lab.text() if (lab := cell.labels.label(conn, r.label_id)) else "") for r in rows]
        audit.append(
            conn,
            AuditEvent(
                "write",
                "object.delete",
                f"DELETE {request.url.path}",
                user.member,
                user.name,
                [object_id] * len(rows),
                labels,
                {"versions": [shown(r.version) for r in rows]},
            ),
            now,
        )
    return taxii_response(b"", status=200)


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/versions/")
def get_versions(api_root: str, collection_id: str, object_id: str, request: Request, user: Caller) -> Response:
    """The versions of one object the caller may read, oldest first; 404 if none."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        collection = _readable_collection(cell, conn, api_root, collection_id, user)
    base = _filters(request)
    filters = Filters(base.added_after, (), (), ("all",), base.spec_versions)
    page = _Page(request, user, "versions", filters, collection=collection, object_id=object_id)
    if not page.rows and not request.query_params.get("next"):
        _404_unless_readable(page, object_id, collection, collection_id)
    payload = {**page.envelope_head(), **({"versions": [shown(r.version) for r in page.rows]} if page.rows else {})}
    return taxii_response(payload, headers=page.headers())


@router.get("/{api_root}/collections/{collection_id}/manifest/")
def get_manifest(api_root: str, collection_id: str, request: Request, user: Caller) -> Response:
    """Manifest records of the objects the caller may read."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        collection = _readable_collection(cell, conn, api_root, collection_id, user)
    page = _Page(request, user, "manifest", _filters(request), collection=collection)
    records = [
        {
            "id": r.stix_id,
            "date_added": r.date_added,
            "version": shown(r.version),
            "media_type": STIX_MEDIA_TYPE,
        }
        for r in page.rows
    ]
    payload = {**page.envelope_head(), **({"objects": records} if records else {})}
    return taxii_response(payload, headers=page.headers())
