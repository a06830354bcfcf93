"""The watchlist page: the persons my member watches for, and what other members' records raised.

Entries and alerts come from `fighters.watchlists`, which keeps a member's watchlist to itself and
discloses each alert by hit/no-hit for the signed-in user: a record it may read is linked with its
score, any other discoverable match is a hit it may ask the holder about (the form of the
screening page, by the hit's reference), an undiscoverable one is not there.

The page also keeps the member's webhooks (`fighters.webhooks`): a new one's signing secret is shown
in the response that registers it and never again, and each alert shown says how its delivery to
the webhooks stands; only alerts the user sees carry a delivery state, so the page counts nothing
the user may not see.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.domain.matching import ftf_v2
from intelcell.exchange import rfis
from intelcell.fighters import watchlists, webhooks
from intelcell.fighters.watchlists import WatchlistError
from intelcell.fighters.webhooks import WebhookError
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import Refused, render, require_csrf, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
PAGE = "/fighters/watchlist"
ALERTS_SHOWN = 100
MAX_FIELD = 300
FIELDS = ("name", "name_arabic", "alias", "birth_date", "nationality", "threshold")


def _page(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    error: str,
    status: int = 200,
    *,
    hook: dict[str, str] | None = None,
) -> Response:
    """The page; ``hook`` carries a new webhook's secret (shown once) or a refused one's URL and reason."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        entries = watchlists.entries(conn, user)
        alerts = watchlists.alerts(cell, conn, user, ALERTS_SHOWN)
        hooks = webhooks.listed(conn, user)
        deliveries = webhooks.states(conn, user.member, [a.ref for a in alerts]) if hooks else {}
    ids, labels = watchlists.released(alerts)
    record_read(request, user, "watchlist.alerts", ids, labels)
    return render(
        request,
        "fighters_watchlist.html",
        user=user,
        csrf=csrf,
        labels=[label for label in labels if label],
        status=status,
        entries=entries,
        alerts=alerts,
        form=form,
        error=error,
        default_threshold=ftf_v2.THRESHOLD,
        priorities=rfis.PRIORITIES,
        rfi_label="NATO SECRET // REL TO COALITION",
        limit=ALERTS_SHOWN,
        webhooks=hooks,
        deliveries=deliveries,
        hook=hook or {},
    )


@router.get(PAGE)
def watchlist_page(request: Request) -> Response:
    """My member's watchlist, its alerts (newest first) and the form to watch for someone."""
    user, csrf = session_of(request)
    return _page(request, user, csrf, {}, "")


def properties_of(form: dict[str, str]) -> dict[str, list[str]]:
    """The FollowTheMoney properties the form's fields give (empty fields left out)."""
    names = [form[k].strip() for k in ("name", "name_arabic") if form.get(k, "").strip()]
    out: dict[str, list[str]] = {"name": names} if names else {}
    for field, prop in (("alias", "alias"), ("birth_date", "birthDate"), ("nationality", "nationality")):
        if form.get(field, "").strip():
            out[prop] = [form[field].strip()]
    return out


@router.post(PAGE)
def add(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    name_arabic: Annotated[str, Form()] = "",
    alias: Annotated[str, Form()] = "",
    birth_date: Annotated[str, Form()] = "",
    nationality: Annotated[str, Form()] = "",
    threshold: Annotated[str, Form()] = "",
) -> Response:
    """Watch for a person; the form comes back with the reason when it cannot be stored."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    form = dict(zip(FIELDS, (name, name_arabic, alias, birth_date, nationality, threshold), strict=True))
    if any(len(v) > MAX_FIELD for v in form.values()):
        return _page(request, user, expected, form, f"Each field has at most {MAX_FIELD} characters.", 422)
    try:
        level = float(threshold) if threshold.strip() else None
    except ValueError:
        return _page(request, user, expected, form, "The threshold is a number between 0.5 and 1.", 422)
    try:
        watchlists.add(cell_of(request), user, properties_of(form), level)
    except WatchlistError as exc:
        return _page(request, user, expected, form, str(exc), 422)
    return RedirectResponse(f"{PAGE}?added=1", status_code=303)


@router.post(f"{PAGE}/remove")
def remove(request: Request, csrf: Annotated[str, Form()] = "", entry: Annotated[str, Form()] = "") -> Response:
    """Stop watching for a person of my member's watchlist."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    if not watchlists.remove(cell_of(request), user, entry[:64]):
        raise Refused(404, "No such entry", "Your member's watchlist has no such entry.", PAGE, "Back to the watchlist")
    return RedirectResponse(PAGE, status_code=303)


@router.post(f"{PAGE}/webhooks")
def add_webhook(request: Request, csrf: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "") -> Response:
    """Send my member's alerts to a national system; the page shows the signing secret this once."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    try:
        webhook, secret = webhooks.register(cell_of(request), user, url[: webhooks.MAX_URL + 1])
    except WebhookError as exc:
        return _page(request, user, expected, {}, "", 422, hook={"url": url[:300], "error": str(exc)})
    return _page(request, user, expected, {}, "", 201, hook={"url": webhook.url, "secret": secret})


@router.post(f"{PAGE}/webhooks/remove")
def remove_webhook(
    request: Request, csrf: Annotated[str, Form()] = "", webhook: Annotated[str, Form()] = ""
) -> Response:
    """Stop sending my member's alerts to a webhook."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    if not webhooks.remove(cell_of(request), user, webhook[:64]):
        raise Refused(404, "No such webhook", "Your member has no such webhook.", PAGE, "Back to the watchlist")
    return RedirectResponse(PAGE, status_code=303)
