"""Person records (FollowTheMoney ``Person``): submit under a label, read as far as the caller may."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.fighters import records
from intelcell.fighters.records import SubmitError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/persons", tags=["persons"])
Authenticated = Annotated[User, Depends(current_user)]

_EXAMPLE = {
    "id": "ftf-0001",
    "schema": "Person",
    "properties": {
        "name": ["Abu Bakr al-Baghdadi"],
        "alias": ["أبو بكر البغدادي"],
        "birthDate": ["1971"],
        "nationality": ["iq"],
        "status": ["deceased"],
    },
}


class SubmitRequest(BaseModel):
    """FollowTheMoney Person entities, the label they are shared under, and disclosure choices."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=1000, examples=["NATO SECRET // REL TO COALITION"])
    # Entities are checked by intelcell.fighters.entities, whose refusals name entity and property.
    entities: list[Any] = Field(min_length=1, max_length=records.MAX_PER_REQUEST, examples=[[_EXAMPLE]])
    discoverable: bool = Field(True, description="False: a screening hit on these records discloses nothing at all.")
    disclose_holder: bool = Field(False, description="True: a hit on these records may name your member.")


def _not_found(record_id: str) -> ApiError:
    """The one answer for a record that is missing or that the caller may not read."""
    return ApiError(404, "not_found", f"no person '{record_id}'")


@router.post("", status_code=201)
def submit(body: SubmitRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Store person records under a label (all or none); 422 naming the entity and property refused.

    Record ids are ``MEMBER-ENTITYID``; resubmitting an entity id stores a new version.
    """
    try:
        stored = records.submit(
            cell_of(request),
            user,
            body.entities,
            body.label,
            body.discoverable,
            body.disclose_holder,
            path=f"POST {request.url.path}",
        )
    except SubmitError as exc:
        raise ApiError(422, exc.kind, exc.reason) from None
    return {"persons": [{"id": r.id, "version": r.version} for r in stored]}


@router.get("/{record_id}")
def get_person(record_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """The current version of a record with its provenance; 404 alike when missing or unreadable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = records.get(cell, conn, user, record_id)
    if found is None:
        raise _not_found(record_id)
    record_read(request, user, "person.read", [found.id], [found.label])
    return found.to_json()


@router.get("/{record_id}/versions")
def get_versions(record_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """Every version of a record the caller may read, oldest first; 404 alike when none."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = records.versions(cell, conn, user, record_id)
    if not found:
        raise _not_found(record_id)
    record_read(request, user, "person.versions", [found[0].id], sorted({r.label for r in found}))
    return {"versions": [r.to_json() for r in found]}
