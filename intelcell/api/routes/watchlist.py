"""A member's watchlist and its alerts (continuous screening; intelcell.fighters.watchlists)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.fighters import alert_stix, watchlists, webhooks
from intelcell.fighters.watchlists import WatchlistError
from intelcell.fighters.webhooks import WebhookError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/watchlist", tags=["watchlist"])
Authenticated = Annotated[User, Depends(current_user)]
Limit = Annotated[int, Query(ge=1, le=watchlists.MAX_ALERTS)]
After = Annotated[str | None, Query(min_length=1, max_length=64, description="An alert id: the ones after it.")]
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


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


def _alerts(request: Request, user: User, limit: int, after: str | None) -> list[watchlists.Alert]:
    """The caller's alerts as it may see them, the records they release audited."""
    cell = cell_of(request)
    try:
        with cell.db.read() as conn:
            found = watchlists.alerts(cell, conn, user, limit, after)
    except WatchlistError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    record_read(request, user, "watchlist.alerts", *watchlists.released(found))
    return found


@router.get("/alerts")
def list_alerts(request: Request, user: Authenticated, limit: Limit = 100, after: After = None) -> dict[str, Any]:
    """Alerts as the caller may see them, newest day first: readable records in full, others as hits."""
    found = _alerts(request, user, limit, after)
    return {"alerts": [a.to_json() for a in found], "next": found[-1].ref if len(found) == limit else None}


@router.get("/alerts.stix", response_class=JSONResponse)
def alerts_stix(request: Request, user: Authenticated, limit: Limit = 100, after: After = None) -> JSONResponse:
    """The same alerts as a STIX 2.1 bundle of notes, for national systems that pull.

    The next page's ``after`` is in the ``X-Intelcell-Next`` header when the page is full.
    """
    found = _alerts(request, user, limit, after)
    headers = {"X-Intelcell-Next": found[-1].ref} if len(found) == limit else {}
    body = alert_stix.bundle(found, cell_of(request).vocabulary)
    return JSONResponse(body, media_type=STIX_MEDIA_TYPE, headers=headers)


class WebhookRequest(BaseModel):
    """Where the member's national system receives its alerts."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=webhooks.MAX_URL, examples=["https://alerts.example.mil/intelcell"])


@router.get("/webhooks")
def list_webhooks(request: Request, user: Authenticated) -> dict[str, Any]:
    """The caller's member's webhooks (their secrets are never shown again)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = webhooks.listed(conn, user)
    return {"webhooks": [w.to_json() for w in found]}


@router.post("/webhooks", status_code=201)
def add_webhook(body: WebhookRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Send the member's new alerts to a URL, as the caller sees them; the signing secret is shown this once."""
    try:
        webhook, secret = webhooks.register(cell_of(request), user, body.url)
    except WebhookError as exc:
        raise ApiError(422, "invalid_webhook", str(exc)) from None
    return {**webhook.to_json(), "secret": secret}


@router.delete("/webhooks/{webhook_id}", status_code=204)
def remove_webhook(webhook_id: str, request: Request, user: Authenticated) -> Response:
    """Stop a webhook; 404 alike for one that is missing, removed or another member's."""
    if not webhooks.remove(cell_of(request), user, webhook_id[:64]):
        raise ApiError(404, "not_found", f"no webhook '{webhook_id[:64]}'")
    return Response(status_code=204)
