"""Search: full text and facets over the objects the caller may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.api.routes.objects import record_release
from intelcell.domain.stix_time import TimestampError, shown, stored
from intelcell.exchange.reading import Shown
from intelcell.exchange.search import SearchQuery, search
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1", tags=["search"])


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def _time(value: str | None, name: str) -> str | None:
    try:
        return stored(value) if value else None
    except TimestampError as exc:
        raise ApiError(422, "invalid_request", f"{name}: {exc}") from None


@router.get("/search")
def search_objects(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    q: Annotated[str, Query(max_length=500, description="Words that must all occur in the object's text.")] = "",
    type: Annotated[list[str] | None, Query(description="STIX types (repeatable or comma-separated).")] = None,
    member: Annotated[list[str] | None, Query(description="Originating members.")] = None,
    label: Annotated[list[str] | None, Query(description="Exact label texts.")] = None,
    added_after: Annotated[str | None, Query(description="Added after this time (ISO 8601, UTC).")] = None,
    added_before: Annotated[str | None, Query(description="Added before this time.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Newest matching objects the caller may read, with facets by type, member, label and month."""
    query = SearchQuery(
        text=q,
        types=_split(type),
        members=tuple(m.upper() for m in _split(member)),
        labels=tuple(label or ()),
        added_after=_time(added_after, "added_after"),
        added_before=_time(added_before, "added_before"),
        limit=limit,
    )
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = search(cell, conn, user, query)
    record_release(request, user, [Shown(v, lab, body) for v, lab, body in found.results], "search")
    return {
        "total": found.total,
        "complete": found.complete,
        "facets": found.facets,
        "results": [
            {
                "id": v.stix_id,
                "type": v.type,
                "member": v.originator,
                "label": lab,
                "date_added": shown(v.date_added),
                "object": body,
            }
            for v, lab, body in found.results
        ],
    }
