"""What is new for me: one list, newest first, of what arrived since the user last looked; and saved searches.

The inbox gathers, each through the domain function its own page uses (so each is decided per
viewer exactly as there): new matches of the user's subscriptions (`exchange.subscriptions`, the
search over what the user may read now), watchlist alerts of the user's member as the user may see
them (`fighters.watchlists`), open RFIs waiting for the member (`exchange.rfis`) and hits on the
member's records the user may read (`fighters.hits`). "Mark all seen" moves the user's watermarks
to the moment the page was shown, so what arrived while it was open stays new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.api.routes.objects import record_release
from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.stix_time import TimestampError, after, shown, stored
from intelcell.exchange import rfis, subscriptions
from intelcell.exchange.reading import Shown
from intelcell.exchange.subscriptions import Subscription, SubscriptionError
from intelcell.fighters import hits, watchlists
from intelcell.store import inbox_marks
from intelcell.store.inbox_marks import Mark
from intelcell.store.users import User
from intelcell.web import csp, exchange_pages
from intelcell.web.render import Refused, render, require_csrf, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
INBOX, SUBSCRIPTIONS = "/inbox", "/subscriptions"
MATCHES_PER_SUBSCRIPTION = 20  # listed per subscription; the count covers every readable new match
ITEMS_PER_SOURCE = 100
STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Item:
    """One line of the inbox: what arrived, when, where to read it, and its label (if it shows one)."""

    kind: str  # match | alert | hit-alert | rfi | hit
    when: datetime
    day_only: bool  # a watchlist hit is dated by its day only
    title: str
    detail: str
    link: str
    label: str | None


def _caption(body: dict[str, Any]) -> str:
    """What to call an object in a list: its name, else the start of its description, else its type."""
    for key in ("name", "description", "pattern"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    return str(body.get("type", "object"))


def _unseen_alert(alert: watchlists.Alert, mark: Mark | None) -> bool:
    if mark is None:
        return True
    day = mark.seen_through.date()
    return alert.created_on > day or (alert.created_on == day and alert.ref not in mark.seen_refs)


@dataclass
class Inbox:
    """What the page shows and what it released (for the read audit)."""

    items: list[Item]
    counts: list[tuple[Subscription, int, bool]]  # each subscription's readable new matches
    released: list[Shown]
    rfis: list[rfis.Rfi]
    alerts: list[watchlists.Alert]


def gather(cell: Cell, user: User) -> Inbox:
    """Everything new for ``user``, each source read as the user may read it now, newest first."""
    with cell.db.read() as conn:
        mark = inbox_marks.mark_of(conn, user)
        since = mark.seen_through if mark else None
        items: list[Item] = []
        counts, released = [], []
        for sub in subscriptions.listing(conn, user):
            found = subscriptions.new_matches(cell, conn, user, sub, MATCHES_PER_SUBSCRIPTION)
            counts.append((sub, found.total, found.complete))
            for version, label, body in found.results:
                released.append(Shown(version, label, body))
                added = datetime.strptime(version.date_added, STORED_FORMAT).replace(tzinfo=UTC)
                detail = f"{version.type} from {version.originator} · matches “{sub.name}”"
                link = "/objects/" + quote(version.stix_id, safe="")
                items.append(Item("match", added, False, _caption(body), detail, link, label))
        alerts = [a for a in watchlists.alerts(cell, conn, user, ITEMS_PER_SOURCE) if _unseen_alert(a, mark)]
        waiting = [
            r
            for r in rfis.listing(cell, conn, user, status="open", limit=1000)
            if rfis.addressed_to(cell, r, user.member) and (since is None or r.created_at > since)
        ][:ITEMS_PER_SOURCE]
        held = [
            h for h in hits.hits_on_records(cell, conn, user, ITEMS_PER_SOURCE) if since is None or h.created_at > since
        ]
        held_labels = hits.record_labels(cell, conn, user, held)
    for a in alerts:
        if a.is_hit:
            holder = f"held by {a.holder}" if a.holder else "holder not named"
            when = datetime.combine(a.created_on, time(), UTC)
            title = f"A member holds a possible match for “{a.entry_caption}”"
            items.append(Item("hit-alert", when, True, title, holder, watchlist_link(), None))
        else:
            detail = f"record of {a.holder} matches watchlist entry “{a.entry_caption}” ({a.score:.2f})"
            link = "/fighters/persons/" + quote(a.record_id or "", safe="")
            items.append(
                Item(
                    "alert",
                    a.created_at or datetime.combine(a.created_on, time(), UTC),
                    False,
                    a.caption or "",
                    detail,
                    link,
                    a.label,
                )
            )
    for r in waiting:
        detail = f"RFI from {r.member} · {r.priority} · due {r.deadline:%Y-%m-%d}"
        items.append(
            Item("rfi", r.created_at, False, r.question[:160], detail, "/rfis/" + quote(r.id, safe=""), r.label)
        )
    for h in held:
        title = f"{h.querying_member} screened someone matching your record {h.record_id}"
        detail = f"score {h.score:.2f} · {h.algorithm}"
        items.append(Item("hit", h.created_at, False, title, detail, "/fighters/hits", held_labels.get(h.record_id)))
    items.sort(key=lambda i: i.when, reverse=True)
    return Inbox(items, counts, released, waiting, alerts)


def watchlist_link() -> str:
    """Where a watchlist hit is asked about: the watchlist page, which has the form."""
    return "/fighters/watchlist"


@router.get(INBOX)
def inbox_page(request: Request) -> Response:
    """What is new for me since I last marked it seen, newest first."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    as_of = cell.clock()  # taken before reading: what arrives while the page is open stays new
    found = gather(cell, user)
    record_release(request, user, found.released, "inbox.matches")
    record_read(request, user, "rfi.list", [r.id for r in found.rfis], [r.label for r in found.rfis])
    record_read(request, user, "watchlist.alerts", *watchlists.released(found.alerts))
    labels = [i.label for i in found.items if i.label]
    return render(
        request,
        "inbox.html",
        user=user,
        csrf=csrf,
        labels=labels,
        items=found.items,
        counts=found.counts,
        as_of=iso(as_of),
        alert_refs=[a.ref for a in found.alerts],
        per_subscription=MATCHES_PER_SUBSCRIPTION,
    )


def _as_of(cell: Cell, value: str) -> datetime:
    """The moment a page was shown, from its form; Refused when it is not a time up to now."""
    try:
        moment = datetime.strptime(stored(value), STORED_FORMAT).replace(tzinfo=UTC)
    except (TimestampError, ValueError):
        moment = None
    if moment is None or moment > cell.clock():
        raise Refused(
            422, "Not understood", "This form is out of date. Open the inbox again.", INBOX, "Back to the inbox"
        )
    return moment


@router.post(f"{INBOX}/seen")
def mark_all_seen(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    as_of: Annotated[str, Form(max_length=40)] = "",
    ref: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Mark everything the inbox showed as seen (through the moment it was shown)."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, INBOX)
    cell = cell_of(request)
    moment = _as_of(cell, as_of)
    refs = [r[:64] for r in (ref or [])[: inbox_marks.MAX_REFS]]
    with cell.db.write() as conn:
        inbox_marks.set_mark(conn, user, moment, refs)
        subscriptions.mark_all_seen(conn, user, stored(iso(moment)))
    return RedirectResponse(INBOX, status_code=303)


# -- subscriptions ----------------------------------------------------------------------------------


def search_url(sub: Subscription) -> str:
    """The search page showing a subscription's query (its dates as the page's form takes them)."""
    q = sub.query
    params: list[tuple[str, str]] = [("q", q.text)] if q.text else []
    params += [("type", t) for t in q.types] + [("member", m) for m in q.members] + [("label", lab) for lab in q.labels]
    if q.added_after:
        params.append(("from", shown(after(q.added_after))))  # the page steps back the microsecond again
    if q.added_before:
        params.append(("to", shown(q.added_before)))
    return "/search?" + urlencode(params)


def _subscriptions_page(request: Request, user: User, csrf: str, form: dict[str, str], error: str) -> Response:
    cell = cell_of(request)
    with cell.db.read() as conn:
        rows = []
        for sub in subscriptions.listing(conn, user):
            new = subscriptions.new_matches(cell, conn, user, sub, limit=1)
            rows.append({"sub": sub, "new": new.total, "complete": new.complete, "url": search_url(sub)})
    return render(
        request,
        "subscriptions.html",
        user=user,
        csrf=csrf,
        status=422 if error else 200,
        rows=rows,
        form=form,
        error=error,
        most=subscriptions.MAX_SUBSCRIPTIONS,
    )


@router.get(SUBSCRIPTIONS)
def subscriptions_page(request: Request) -> Response:
    """My saved searches, with how many new matches I may read, and the form to save one."""
    user, csrf = session_of(request)
    return _subscriptions_page(request, user, csrf, {}, "")


@router.post(SUBSCRIPTIONS)
def create(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    type: Annotated[list[str] | None, Form()] = None,
    member: Annotated[list[str] | None, Form()] = None,
    label: Annotated[list[str] | None, Form()] = None,
    added_from: Annotated[str, Form(alias="from")] = "",
    added_to: Annotated[str, Form(alias="to")] = "",
) -> Response:
    """Save a search (the search page's "Save this search", or this page's form); its reason when refused."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, SUBSCRIPTIONS)
    form = {"name": name[:300], "q": q[:600], "type": ", ".join(type or [])[:600]}
    cell = cell_of(request)
    try:
        # The search form's own reading of its date fields, so a saved search matches what was shown.
        start = exchange_pages._day(added_from[:40], "Added from", end=False)
        end = exchange_pages._day(added_to[:40], "Added to", end=True)
        types = [t.strip() for value in type or [] for t in value.split(",") if t.strip()]
        fields: dict[str, Any] = {"q": q, "types": types, "members": member or [], "labels": label or []}
        fields |= {"added_after": stored_before(start), "added_before": end}
        query = subscriptions.parse_query(cell, fields)
        subscriptions.create(cell, user, name, query)
    except (SubscriptionError, ValueError, OverflowError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "Added from: this date cannot be saved"
        return _subscriptions_page(request, user, expected, form, message)
    return RedirectResponse(f"{SUBSCRIPTIONS}?saved=1", status_code=303)


def stored_before(value: str | None) -> str | None:
    """The search page's exclusive ``added_after`` for a "from" date: a microsecond before it."""
    return after(value, -1) if value else None


@router.post(SUBSCRIPTIONS + "/{subscription_id}/delete")
def delete(request: Request, subscription_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    """Delete one of my subscriptions; the same page for a missing id and another user's."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, SUBSCRIPTIONS)
    if not subscriptions.remove(cell_of(request), user, subscription_id[:64]):
        message = "You have no such subscription."
        raise Refused(404, "No such subscription", message, SUBSCRIPTIONS, "Back to subscriptions")
    return RedirectResponse(SUBSCRIPTIONS, status_code=303)
