"""A member's watchlist and its alerts (continuous screening; intelcell.fighters.watchlists)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.fighters import watchlists
from intelcell.fighters.watchlists import WatchlistError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/watchlist", tags=["watchlist"])
Authenticated = Annotated[User, Depends(current_user)]


class EntryRequest(BaseModel):
    """A person to watch for: FollowTheMoney Person properties, as a screening query gives them."""

    model_config = ConfigDict(extra="forbid")
    properties: dict[str, str | list[Any]] = Field(
        examples=[{"name": ["Omar Haddad", "عمر حداد"], "birthDate": ["1987"], "nationality": ["sy"]}]
    )
    threshold: float | None = Field(None, description="Score at which a record alerts (0.5 to 1; default 0.7).")


@router.get("")
def list_entries(request: Request, user: Authenticated) -> dict[str, Any]:
    """The caller's member's watchlist (other members' watchlists never show)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = watchlists.entries(conn, user)
    return {"entries": [e.to_json() for e in found]}


@router.post("", status_code=201)
def add_entry(body: EntryRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Watch for a person: any member's new or changed record that matches alerts the caller's member."""
    try:
        entry = watchlists.add(cell_of(request), user, body.properties, body.threshold)
    except WatchlistError as exc:
        raise ApiError(422, "invalid_entry", str(exc)) from None
    return entry.to_json()


@router.delete("/{entry_id}", status_code=204)
def remove_entry(entry_id: str, request: Request, user: Authenticated) -> Response:
    """Stop watching; 404 alike for an entry that is missing, removed or another member's."""
    if not watchlists.remove(cell_of(request), user, entry_id):
        raise ApiError(404, "not_found", f"no watchlist entry '{entry_id}'")
    return Response(status_code=204)


@router.get("/alerts")
def list_alerts(
    request: Request,
    user: Authenticated,
    limit: Annotated[int, Query(ge=1, le=watchlists.MAX_ALERTS)] = 100,
    after: Annotated[
        str | None, Query(min_length=1, max_length=64, description="An alert id: the ones after it.")
    ] = None,
) -> dict[str, Any]:
    """Alerts as the caller may see them, newest day first: readable records in full, others as hits."""
    cell = cell_of(request)
    try:
        with cell.db.read() as conn:
            found = watchlists.alerts(cell, conn, user, limit, after)
    except WatchlistError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    record_read(request, user, "watchlist.alerts", *watchlists.released(found))
    return {"alerts": [a.to_json() for a in found], "next": found[-1].ref if len(found) == limit else None}
