"""Administration pages: the member registry, users, API tokens and federation peers (role "admin" only).

Every handler checks the role before it reads or changes anything, so a non-administrator gets the
same 403 page on every route, GET or POST, and nothing changes. Writes use the store functions the
CLI uses (``users.upsert``, ``tokens.issue``/``revoke``, ``peers.add``/``remove``) and are audited in the same
transaction, naming the administrator who acted (a peer is the exception: see ``add_peer``). Numbers
and ids from the query string or a form are checked here (decimal digits, within SQLite's INTEGER
range), so bad input answers the page with its reason, never an error. An issued token is shown once, on the response to
the form that issued it (never in a URL, never again); lists show token ids, never secrets or hashes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import desc, select

from intelcell.api.auth import cell_of
from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.label import NATO_LEVELS, LabelError
from intelcell.domain.policy import ROLES, Clearance, parse_clearance
from intelcell.exchange import collections, peers
from intelcell.store import audit, tokens, users
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import audit_log
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import Refused, render, require_csrf, require_role, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

Text = Annotated[str, Form(max_length=200)]
MAX_NAME = 128
MAX_TOKEN_DAYS = 3650
#: The largest id SQLite's INTEGER holds; a larger number names no row (and would overflow the driver).
MAX_ROW_ID = 2**63 - 1


def _admin(request: Request) -> tuple[User, str]:
    """The signed-in administrator and the session's CSRF token; 403 page for any other role."""
    user, csrf = session_of(request)
    require_role(user, "admin")
    return user, csrf


def _admin_form(request: Request, submitted: str, back: str) -> tuple[User, str]:
    """An administrator's form with a valid CSRF token (role first: others learn nothing more).

    Returns the administrator and the session's CSRF token, for a page re-rendered with an error.
    """
    user, expected = _admin(request)
    require_csrf(expected, submitted, back)
    return user, expected


def _row_id(text: str | None) -> int | None:
    """A row id written in decimal digits, or None when ``text`` is not one SQLite could hold."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdecimal() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None


def _event(admin: User, operation: str, path: str, detail: dict[str, Any]) -> AuditEvent:
    return AuditEvent("write", operation, path, admin.member, admin.name, detail=detail)


def _clearance(cell: Cell, text: str, caveats: list[str]) -> Clearance:
    """A clearance from the form's level and caveats; ValueError with the reason."""
    held = frozenset(c.strip().upper() for c in caveats if c.strip())
    unknown = held - cell.vocabulary.restrictive_caveats
    if unknown:
        raise ValueError(f"unknown caveat(s) {', '.join(sorted(unknown))}")
    try:
        return parse_clearance(text, held)
    except LabelError as exc:
        raise ValueError(str(exc)) from None


def _form_choices(cell: Cell) -> dict[str, Any]:
    """What the user and peer forms offer: members, levels, caveats, roles."""
    return {
        "members": sorted(cell.registry.members.values(), key=lambda m: m.code),
        "levels": [f"NATO {lv}" for lv in NATO_LEVELS],
        "caveats": sorted(cell.vocabulary.restrictive_caveats),
        "roles": ROLES,
    }


@router.get("/admin")
def overview(request: Request) -> Response:
    """Counts of what the administrator manages, linking each page."""
    user, csrf = _admin(request)
    cell = cell_of(request)
    now = cell.clock()
    with cell.db.read() as conn:
        all_users = users.list_all(conn)
        live = [t for t in tokens.list_tokens(conn) if t.revoked_at is None and t.expires_at > now]
    counts = {
        "members": len(cell.registry.members),
        "communities": len(cell.registry.communities),
        "users": len(all_users),
        "tokens": len(live),
        "peers": len(peers.all_peers(cell)),
    }
    return render(request, "admin.html", user=user, csrf=csrf, counts=counts)


@router.get("/admin/members")
def members_page(request: Request) -> Response:
    """The member registry and its communities (read-only: administrators edit data/registry.yaml)."""
    user, csrf = _admin(request)
    registry = cell_of(request).registry
    rows = [(m, registry.communities_of(m.code)) for m in sorted(registry.members.values(), key=lambda m: m.code)]
    communities = sorted(registry.communities.values(), key=lambda c: c.code)
    return render(request, "admin_members.html", user=user, csrf=csrf, rows=rows, communities=communities)


def _users_page(
    request: Request, admin: User, csrf: str, *, error: str = "", form: dict[str, Any] | None = None, saved: str = ""
) -> Response:
    cell = cell_of(request)
    with cell.db.read() as conn:
        listed = users.list_all(conn)
    context: dict[str, Any] = {
        "users": listed,
        "error": error,
        "form": form or {"member": "", "name": "", "clearance": "NATO RESTRICTED", "caveats": [], "role": "analyst"},
        "saved": saved,
        **_form_choices(cell),
    }
    return render(request, "admin_users.html", user=admin, csrf=csrf, status=422 if error else 200, **context)


@router.get("/admin/users")
def users_page(request: Request, saved: Annotated[str | None, Query()] = None) -> Response:
    """Every user with member, clearance, caveats and role; the form to create or update one.

    ``saved`` names the user just saved; the notice is shown only for a real user id (anything else
    is ignored, so a link cannot make the page say something untrue or fail).
    """
    admin, csrf = _admin(request)
    note, user_id = "", _row_id(saved)
    if user_id is not None:
        cell = cell_of(request)
        with cell.db.read() as conn:
            found = users.get(conn, user_id)
        note = f"Saved {found.member}/{found.name}." if found else ""
    return _users_page(request, admin, csrf, saved=note)


@router.post("/admin/users")
def save_user(
    request: Request,
    csrf: Text = "",
    member: Annotated[str, Form(max_length=32)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    clearance: Annotated[str, Form(max_length=64)] = "",
    caveat: Annotated[list[str] | None, Form(max_length=32)] = None,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Create a user, or update an existing one's clearance, caveats and role (as ``intelcell token create``)."""
    admin, session_csrf = _admin_form(request, csrf, "/admin/users")
    cell = cell_of(request)
    member, caveats = member.strip().upper(), caveat or []
    form = {"member": member, "name": name, "clearance": clearance, "caveats": caveats, "role": role}
    try:
        if member not in cell.registry.members:
            raise ValueError(f"unknown member '{member}': choose one of the registry's members")
        if not name.strip() or len(name) > MAX_NAME:
            raise ValueError(f"user name must be 1 to {MAX_NAME} characters")
        if name.startswith("peer:"):
            raise ValueError("names starting 'peer:' belong to federation peers (see Peers)")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        held = _clearance(cell, clearance, caveats)
    except ValueError as exc:
        return _users_page(request, admin, session_csrf, error=str(exc), form=form)
    now = cell.clock()
    with cell.db.write() as conn:
        user, changed = users.upsert(conn, member=member, name=name, clearance=held, role=role, is_demo=False, now=now)
        if changed:
            detail = {"member": member, "user": name, "clearance": held.text(), "caveats": sorted(held.caveats)}
            audit.append(conn, _event(admin, "user.save", "POST /admin/users", {**detail, "role": role}), now)
    return RedirectResponse(f"/admin/users?saved={user.id}", status_code=303)


def _state(t: tokens.TokenInfo, now: datetime) -> str:
    return "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "live")


def _tokens_page(
    request: Request,
    admin: User,
    csrf: str,
    *,
    issued: dict[str, Any] | None = None,
    error: str = "",
    revoked: str = "",
    status: int = 200,
) -> Response:
    cell = cell_of(request)
    now = cell.clock()
    with cell.db.read() as conn:
        listed = tokens.list_tokens(conn)
        all_users = [u for u in users.list_all(conn) if not u.name.startswith("peer:")]
    rows = [
        {
            "id": t.id,
            "member": t.member,
            "user": t.user,
            "created": iso(t.created_at),
            "expires": iso(t.expires_at),
            "state": _state(t, now),
        }
        for t in listed
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "users": all_users,
        "issued": issued,
        "error": error,
        "revoked": revoked,
        "default_days": cell.settings.token_days,
    }
    return render(request, "admin_tokens.html", user=admin, csrf=csrf, status=status, **context)


@router.get("/admin/tokens")
def tokens_page(request: Request, revoked: Annotated[str | None, Query()] = None) -> Response:
    """Tokens by id, user, creation, expiry and state (never the token); forms to issue and revoke.

    ``revoked`` names the token just revoked; the notice is shown only for a real, revoked token id
    (anything else is ignored, so a link cannot make the page say something untrue).
    """
    admin, csrf = _admin(request)
    note = ""
    if revoked:
        with cell_of(request).db.read() as conn:
            found = [t.id for t in tokens.list_tokens(conn) if t.id == revoked and t.revoked_at is not None]
        note = found[0] if found else ""
    return _tokens_page(request, admin, csrf, revoked=note)


@router.post("/admin/tokens")
def issue_token(
    request: Request,
    csrf: Text = "",
    user_id: Annotated[str, Form(max_length=20)] = "",
    days: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Issue a token for a user and show it once, on this response only (it is stored as a hash)."""
    admin, session_csrf = _admin_form(request, csrf, "/admin/tokens")
    cell = cell_of(request)
    lifetime = days.strip() or str(cell.settings.token_days)
    # isdecimal, not isdigit: "²" is a digit that int() refuses; ASCII only, and short, so int() is cheap.
    if not (lifetime.isascii() and lifetime.isdecimal() and len(lifetime) <= 8) or not (
        1 <= int(lifetime) <= MAX_TOKEN_DAYS
    ):
        error = f"Lifetime must be a whole number of days from 1 to {MAX_TOKEN_DAYS}; no token was issued."
        return _tokens_page(request, admin, session_csrf, error=error, status=422)
    target_id = _row_id(user_id)
    with cell.db.read() as conn:
        target = users.get(conn, target_id) if target_id is not None else None
    if target is None or target.name.startswith("peer:"):
        return _tokens_page(request, admin, session_csrf, error="Choose a user; no token was issued.", status=422)
    now = cell.clock()
    with cell.db.write() as conn:
        token_id, secret = tokens.issue(conn, target, now, int(lifetime))
        detail = {
            "token_id": token_id,
            "member": target.member,
            "user": target.name,
            "clearance": target.clearance.text(),
            "role": target.role,
        }
        audit.append(conn, _event(admin, "token.create", "POST /admin/tokens", detail), now)
    issued = {"id": token_id, "secret": secret, "user": target, "days": int(lifetime)}
    return _tokens_page(request, admin, session_csrf, issued=issued)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, csrf: Text = "") -> Response:
    """Revoke a live token by its id; 404 page for an unknown or already revoked one."""
    admin, _csrf = _admin_form(request, csrf, "/admin/tokens")
    cell = cell_of(request)
    now = cell.clock()
    with cell.db.write() as conn:
        if not tokens.revoke(conn, token_id, now):
            raise Refused(
                404,
                "No such token",
                "No live token with that id; nothing was changed.",
                "/admin/tokens",
                "Back to tokens",
            )
        audit.append(
            conn, _event(admin, "token.revoke", f"POST /admin/tokens/{token_id}/revoke", {"token_id": token_id}), now
        )
    return RedirectResponse(f"/admin/tokens?revoked={token_id}", status_code=303)


def _peers_page(
    request: Request,
    admin: User,
    csrf: str,
    *,
    error: str = "",
    form: dict[str, Any] | None = None,
    removed: str = "",
) -> Response:
    cell = cell_of(request)
    with cell.db.read() as conn:
        local = collections.all_collections(conn, cell)
    titles = {c.id: c.title for c in local}
    rows = [
        {
            "name": p.name,
            "direction": p.direction,
            "url": p.url,
            "member": p.member,
            "collection": titles.get(p.collection_id, p.collection_id),
            "bookmark": p.bookmark,
            "last_error": p.last_error,
            # Every reserved character escaped, "/" too (the route's {name:path} accepts it either way).
            "remove": f"/admin/peers/{quote(p.name, safe='')}/remove",
        }
        for p in peers.all_peers(cell)
    ]
    blank = {
        "name": "",
        "direction": "pull",
        "url": "",
        "member": "",
        "collection": "",
        "clearance": "NATO RESTRICTED",
        "caveats": [],
    }
    context: dict[str, Any] = {
        "rows": rows,
        "collections": local,
        "error": error,
        "form": form or blank,
        "directions": peers.DIRECTIONS,
        "removed": removed,
        **_form_choices(cell),
    }
    return render(request, "admin_peers.html", user=admin, csrf=csrf, status=422 if error else 200, **context)


def _was_removed(cell: Cell, name: str) -> bool:
    """Whether a peer of this name was removed and none has been added under it since."""
    if peers.get(cell, name) is not None:
        return False
    query = (
        select(audit_log.c.fields)
        .where(audit_log.c.fields.contains('"operation":"peer.remove"'))
        .order_by(desc(audit_log.c.seq))
    )
    with cell.db.read() as conn:
        for fields in conn.execute(query).scalars():
            entry = json.loads(fields)
            if entry["operation"] == "peer.remove" and entry["detail"].get("peer") == name:
                return True
    return False


@router.get("/admin/peers")
def peers_page(request: Request, removed: Annotated[str | None, Query()] = None) -> Response:
    """Federation peers (never their tokens), a Remove button for each, and the form to add one.

    ``removed`` names the peer just removed; the notice is shown only when the audit trail records that
    peer's removal (anything else is ignored, so a link cannot make the page say something untrue).
    """
    admin, csrf = _admin(request)
    note = removed if removed and len(removed) <= 64 and _was_removed(cell_of(request), removed) else ""
    return _peers_page(request, admin, csrf, removed=note)


@router.post("/admin/peers")
def add_peer(
    request: Request,
    csrf: Text = "",
    name: Annotated[str, Form(max_length=64)] = "",
    direction: Annotated[str, Form(max_length=8)] = "",
    url: Annotated[str, Form(max_length=1000)] = "",
    token: Annotated[str, Form(max_length=500)] = "",
    member: Annotated[str, Form(max_length=32)] = "",
    collection: Annotated[str, Form(max_length=100)] = "",
    clearance: Annotated[str, Form(max_length=64)] = "",
    caveat: Annotated[list[str] | None, Form(max_length=32)] = None,
) -> Response:
    """Add a peer as ``intelcell peer add`` does (the remote token is kept for federation, never shown)."""
    admin, session_csrf = _admin_form(request, csrf, "/admin/peers")
    cell = cell_of(request)
    member, caveats = member.strip().upper(), caveat or []
    # The token is not echoed back into the form on an error: it is a secret.
    form = {
        "name": name,
        "direction": direction,
        "url": url,
        "member": member,
        "collection": collection,
        "clearance": clearance,
        "caveats": caveats,
    }
    try:
        if not name.strip() or any(c.isspace() for c in name):
            raise ValueError("name must be one word")
        if not token.strip():
            raise ValueError("the remote server's token is required")
        # The checks peers.add makes too, made here first so that a refusal writes nothing at all.
        if direction not in peers.DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(peers.DIRECTIONS)}")
        if member not in cell.registry.members:
            raise ValueError(f"unknown member '{member}'")
        if not url.startswith(("http://", "https://")) or not url.endswith("/"):
            raise ValueError("url must be the remote collection's http(s) URL, ending in '/'")
        if peers.get(cell, name) is not None:
            raise ValueError(f"a peer named '{name}' exists")
        with cell.db.read() as conn:
            local = collections.get(conn, cell, collection)
        if local is None:
            raise ValueError("choose a local collection")
        held = _clearance(cell, clearance, caveats)
    except ValueError as exc:
        return _peers_page(request, admin, session_csrf, error=str(exc), form=form)
    # Limitation: peers.add (shared with the CLI) opens its own transaction and audits as "cli: peer add"
    # with no actor, so the administrator cannot be named in the same transaction. The entry naming the
    # administrator is therefore written FIRST: a peer added from this page is never left without it,
    # even if this process dies right after peers.add. Should peers.add still refuse (another request
    # took the name meanwhile), a second entry says so, so the first is never read as a change made.
    detail = {"peer": name, "direction": direction, "url": url, "member": member}
    path = "POST /admin/peers"
    with cell.db.write() as conn:
        audit.append(conn, _event(admin, "peer.add.ui", path, detail), cell.clock())
    try:
        peers.add(
            cell,
            name=name,
            direction=direction,
            url=url,
            token=token.strip(),
            member=member,
            collection_id=local.id,
            clearance=held,
        )
    except peers.PeerError as exc:
        with cell.db.write() as conn:
            refused = {**detail, "reason": str(exc)}
            audit.append(conn, _event(admin, "peer.add.ui.refused", path, refused), cell.clock())
        return _peers_page(request, admin, session_csrf, error=str(exc), form=form)
    return RedirectResponse("/admin/peers", status_code=303)


@router.post("/admin/peers/{name:path}/remove")
def remove_peer(request: Request, name: str, csrf: Text = "") -> Response:
    """Remove a peer as ``intelcell peer remove`` does, in one transaction and one entry naming the administrator.

    404 page for an unknown name, with nothing changed.
    """
    admin, _csrf = _admin_form(request, csrf, "/admin/peers")
    cell = cell_of(request)
    try:
        peers.remove(cell, name, actor=admin, path=f"POST /admin/peers/{quote(name, safe='')}/remove")
    except peers.PeerError:
        raise Refused(
            404, "No such peer", "No peer with that name; nothing was changed.", "/admin/peers", "Back to peers"
        ) from None
    return RedirectResponse(f"/admin/peers?{urlencode({'removed': name})}", status_code=303)
