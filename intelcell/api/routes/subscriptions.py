"""Saved searches and their new matches (intelcell.exchange.subscriptions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.api.routes.objects import record_release
from intelcell.domain.stix_time import shown
from intelcell.exchange import subscriptions
from intelcell.exchange.reading import Shown
from intelcell.exchange.subscriptions import Subscription, SubscriptionError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/subscriptions", tags=["subscriptions"])
Authenticated = Annotated[User, Depends(current_user)]


class QueryBody(BaseModel):
    """The search to save: the parameters of ``GET /api/v1/search`` as a JSON object."""

    model_config = ConfigDict(extra="forbid")
    q: str = Field("", description="Words that must all occur in the object's text.")
    types: list[str] = Field(default_factory=list, description="STIX types.")
    members: list[str] = Field(default_factory=list, description="Originating members.")
    labels: list[str] = Field(default_factory=list, description="Label texts.")
    added_after: str | None = None
    added_before: str | None = None


class SubscriptionRequest(BaseModel):
    """A named search whose new matches the caller wants to hear about."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(examples=["Couriers in Mosul"])
    query: QueryBody = Field(QueryBody(q=""), examples=[{"q": "courier mosul", "types": ["report"]}])


class SeenRequest(BaseModel):
    """Up to when the caller has seen the new matches (default: now)."""

    model_config = ConfigDict(extra="forbid")
    seen_through: str | None = Field(None, description="A STIX timestamp, not in the future.")


def _not_found(subscription_id: str) -> ApiError:
    # One answer for a missing id and another user's: the id is echoed only as the caller sent it.
    return ApiError(404, "not_found", f"no subscription '{subscription_id[:64]}'")


def _with_count(request: Request, user: User, found: list[Subscription]) -> list[dict[str, Any]]:
    """Each subscription with the number of new matches the caller may read (nothing is released)."""
    cell = cell_of(request)
    out = []
    with cell.db.read() as conn:
        for sub in found:
            new = subscriptions.new_matches(cell, conn, user, sub, limit=1)
            out.append(sub.to_json() | {"new": new.total, "new_complete": new.complete})
    return out


@router.get("")
def list_subscriptions(request: Request, user: Authenticated) -> dict[str, Any]:
    """The caller's own subscriptions with their counts of new matches (nobody else's ever show)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = subscriptions.listing(conn, user)
    return {"subscriptions": _with_count(request, user, found)}


@router.post("", status_code=201)
def create_subscription(body: SubscriptionRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Save a search: objects added from now on that match it are its new matches."""
    cell = cell_of(request)
    try:
        query = subscriptions.parse_query(cell, body.query.model_dump())
        sub = subscriptions.create(cell, user, body.name, query)
    except SubscriptionError as exc:
        raise ApiError(422, "invalid_subscription", str(exc)) from None
    return sub.to_json()


@router.get("/{subscription_id}")
def get_subscription(subscription_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """One of the caller's subscriptions; 404 alike for a missing id and another user's."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        sub = subscriptions.get(conn, user, subscription_id)
    if sub is None:
        raise _not_found(subscription_id)
    return _with_count(request, user, [sub])[0]


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: str, request: Request, user: Authenticated) -> Response:
    """Delete one of the caller's subscriptions; 404 alike for a missing id and another user's."""
    if not subscriptions.remove(cell_of(request), user, subscription_id):
        raise _not_found(subscription_id)
    return Response(status_code=204)


@router.get("/{subscription_id}/new")
def new_matches(
    subscription_id: str,
    request: Request,
    user: Authenticated,
    limit: Annotated[int, Query(ge=1, le=subscriptions.MAX_NEW)] = 50,
) -> dict[str, Any]:
    """Matches added since the caller last marked the subscription seen, that the caller may read now."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        sub = subscriptions.get(conn, user, subscription_id)
        if sub is None:
            raise _not_found(subscription_id)
        found = subscriptions.new_matches(cell, conn, user, sub, limit)
    record_release(request, user, [Shown(v, lab, body) for v, lab, body in found.results], "subscription.new")
    return {
        "subscription": sub.to_json(),
        "total": found.total,
        "complete": found.complete,
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


@router.post("/{subscription_id}/seen")
def mark_seen(
    subscription_id: str, request: Request, user: Authenticated, body: SeenRequest | None = None
) -> dict[str, Any]:
    """Mark the new matches seen through a time (default now); later additions are new again."""
    cell = cell_of(request)
    try:
        through = subscriptions.seen_through(cell, body.seen_through if body else None)
    except SubscriptionError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    sub = subscriptions.mark_seen(cell, user, subscription_id, through)
    if sub is None:
        raise _not_found(subscription_id)
    return sub.to_json()
