"""Resolved persons, the review queue and resolution runs, as far as the caller may read.

Every answer is built from the records the caller may read (``fighters/resolved.py``,
``fighters/review.py``): an unknown id and an unreadable one get the same 404, and a link
between a readable and an unreadable record exists nowhere.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.fighters import resolution, resolved, review
from intelcell.fighters.review import ReviewError
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1", tags=["resolution"])
Authenticated = Annotated[User, Depends(current_user)]
RecordId = Annotated[str, Field(min_length=1, max_length=200)]
_STATUS = {"invalid_request": 422, "forbidden": 403, "not_found": 404}
# Far beyond any page anyone turns to, and within the 64-bit integers SQL's OFFSET takes (as on the UI's pages).
MAX_OFFSET = 10_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _not_found(any_id: str) -> ApiError:
    """The one answer for a person that is unknown or that the caller may not read."""
    return ApiError(404, "not_found", f"no person '{any_id}'")


class DecisionRequest(BaseModel):
    """An analyst's decision on a pair of records."""

    model_config = ConfigDict(extra="forbid")
    a: RecordId
    b: RecordId
    decision: Literal["confirm", "reject"]


class RunRequest(BaseModel):
    """Which resolution to run: ``incremental`` (records never resolved yet) or ``full`` (every record)."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["incremental", "full"] = "incremental"


@router.get("/resolved")
def list_resolved(
    request: Request,
    user: Authenticated,
    limit: Annotated[int, Query(ge=1, le=resolved.MAX_LIMIT)] = 50,
    offset: Offset = 0,
    min_records: Annotated[int, Query(ge=1, le=100)] = 2,
) -> dict[str, Any]:
    """Persons of at least ``min_records`` records the caller may read, by id, with the total."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found, total = resolved.persons_of(cell, conn, user, limit=limit, offset=offset, min_records=min_records)
    ids = [rid for person in found for rid in person["records"]]
    labels = [text for person in found for text in person.pop("labels")]
    record_read(request, user, "person.resolved.list", ids, labels)
    return {"persons": found, "total": total}


@router.get("/resolved/{any_id}")
def get_resolved(any_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """The person a person id or any readable record id names; 404 alike when unknown or unreadable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        person = resolved.person_view(cell, conn, user, any_id)
    if person is None:
        raise _not_found(any_id)
    shown = person["records"]
    record_read(request, user, "person.resolved.read", [r["id"] for r in shown], [r["label"] for r in shown])
    return person


@router.get("/review")
def review_queue(
    request: Request,
    user: Authenticated,
    limit: Annotated[int, Query(ge=1, le=review.MAX_LIMIT)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Suggested links whose two records the caller may read, strongest first, with the total."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        page = review.queue(cell, conn, user, limit=limit, offset=offset)
    sides = [item[side] for item in page.items for side in ("a", "b")]
    record_read(request, user, "person.review.list", [s["id"] for s in sides], [s["label"] for s in sides])
    return {"links": page.items, "total": page.total}


@router.post("/review/decisions")
def decide(body: DecisionRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Confirm or reject a link (analysts and administrators); 404 alike for unknown or unreadable records."""
    try:
        return review.decide(
            cell_of(request), user, body.a, body.b, body.decision, path="POST /api/v1/review/decisions"
        )
    except ReviewError as exc:
        raise ApiError(_STATUS[exc.kind], exc.kind, exc.reason) from None


@router.post("/resolution/run")
def run(request: Request, user: Authenticated, body: RunRequest | None = None) -> dict[str, Any]:
    """Run resolution (administrators): ``incremental`` links records never resolved, ``full`` all.

    The answer carries no counts: they would cover records the caller may not read.
    """
    if user.role != "admin":
        raise ApiError(403, "forbidden", "only administrators run resolution")
    mode = body.mode if body is not None else "incremental"
    cell = cell_of(request)
    if mode == "full":
        resolution.resolve(cell)
    else:
        with cell.db.write() as conn:
            resolution.resolve_records(cell, conn, resolution.unresolved(conn))
    path = "POST /api/v1/resolution/run"
    event = AuditEvent("write", "person.resolve", path, user.member, user.name, [], [], {"mode": mode})
    audit.record(cell.db, event, cell.clock())
    return {"mode": mode, "status": "done"}
