"""The originator's audit view in the browser: who accessed my member's objects, and when (issue 7).

The rule is the one of ``GET /api/v1/audit`` (``intelcell.api.routes.audit``): accesses to an
object are shown to its originating member and to administrators, in both cases only when the
caller may read a version of it, and only entries about versions the caller may read. Everyone
else sees the same empty answer as for an object that does not exist. A page that shows entries
is audited as the API's ``audit.query``.

Without an object id the page lists the newest objects the caller's member originated (any
readable object for an administrator) with their recorded accesses, newest first; both views
filter by a period of whole UTC days. The overview leaves out the audit queries themselves
(each view of the page is one): otherwise they would soon be all it shows. Administrators also
get a link to verify the whole audit chain (``/audit/chain``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.cell import Cell
from intelcell.exchange import accesses, reading
from intelcell.exchange.access import access_for
from intelcell.exchange.query import Filters, Version, select_versions
from intelcell.store import audit
from intelcell.store.audit import AuditEntry
from intelcell.store.schema import objects
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import render, require_role, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

#: How many objects the overview covers, and how many accesses it lists.
OBJECT_LIMIT = 100
ENTRY_LIMIT = 300
MAX_OBJECT_ID = 200


@dataclass(frozen=True)
class Period:
    """Whole UTC days from ``since`` to ``until`` (both included; either may be open)."""

    since: date | None = None
    until: date | None = None

    def holds(self, at: str | None) -> bool:
        """Whether an entry stamped ``at`` (ISO 8601, UTC) falls in the period."""
        if at is None:
            return False
        if self.since and at < self.since.isoformat():
            return False
        return not (self.until and at >= (self.until + timedelta(days=1)).isoformat())


def _period(since: str, until: str, errors: dict[str, str]) -> Period:
    """The period the form names; a reason in ``errors`` for a date that is not YYYY-MM-DD."""
    days: dict[str, date | None] = {}
    for name, text in (("since", since), ("until", until)):
        days[name] = None
        if text.strip():
            try:
                days[name] = date.fromisoformat(text.strip())
            except ValueError:
                errors[name] = f"'{text.strip()[:40]}' is not a date (YYYY-MM-DD)."
    first, last = days["since"], days["until"]
    if first and last and first > last:
        errors["until"] = "The period ends before it starts."
    return Period(first, last)


def _visible_entries(
    cell: Cell,
    conn: Any,
    user: User,
    object_id: str,
    versions: list[Version],
    named: list[AuditEntry] | None = None,
) -> list[dict[str, Any]]:
    """The API's answer for ``object_id`` given the versions the caller may read (oldest first)."""
    entries = accesses.visible(cell, conn, user, object_id, versions, named)
    return [{**accesses.entry_json(e, object_id), "object_id": object_id} for e in entries]


def _one_object(cell: Cell, user: User, object_id: str) -> list[dict[str, Any]]:
    """Accesses to one object as ``GET /api/v1/audit?object_id=`` gives them to ``user``."""
    with cell.db.read() as conn:
        return _visible_entries(cell, conn, user, object_id, reading.readable_versions(cell, conn, user, object_id))


def _overview(cell: Cell, user: User) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """The newest objects whose accesses ``user`` may see, their accesses, and whether more objects exist."""
    with cell.db.read() as conn:
        access = access_for(cell, conn, user)
        # Only the member's own objects for analysts; an administrator may audit any object it reads.
        extra = None if user.role == "admin" else objects.c.originator == user.member
        newest, more = select_versions(
            conn, access, Filters(versions=("last",)), limit=OBJECT_LIMIT, newest_first=True, extra=extra
        )
        ids = tuple(dict.fromkeys(v.stix_id for v in newest))
        every: dict[str, list[Version]] = {i: [] for i in ids}
        if ids:
            all_versions, _ = select_versions(conn, access, Filters(ids=ids, versions=("all",)))
            for v in all_versions:
                every[v.stix_id].append(v)
        named = audit.entries_for_objects(conn, ids)
        listed, entries = [], []
        for v in newest:
            found = _visible_entries(cell, conn, user, v.stix_id, every[v.stix_id], named[v.stix_id])
            found = [e for e in found if e["operation"] != "audit.query"]
            if not found:
                continue
            label = cell.labels.label(conn, v.label_id)
            listed.append(
                {"id": v.stix_id, "type": v.type, "originator": v.originator, "label": label.text() if label else ""}
            )
            entries.extend(found)
    return listed, entries, more


@router.get("/audit")
def audit_view(request: Request, object_id: str = "", since: str = "", until: str = "") -> Response:
    """Who accessed my member's objects (any readable object for an administrator), filterable by id and period."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    errors: dict[str, str] = {}
    period = _period(since, until, errors)
    object_id = object_id.strip()
    if len(object_id) > MAX_OBJECT_ID:
        errors["object_id"] = f"An object id has at most {MAX_OBJECT_ID} characters."
    form = {"object_id": object_id[:MAX_OBJECT_ID], "since": since[:40], "until": until[:40]}
    context: dict[str, Any] = {"form": form, "errors": errors, "listed": [], "entries": [], "more": False}
    if errors:
        return render(request, "audit.html", user=user, csrf=csrf, status=422, **context)
    if object_id:
        entries = _one_object(cell, user, object_id)
        listed: list[dict[str, Any]] = []
        more = False
    else:
        listed, entries, more = _overview(cell, user)
    shown = [e for e in entries if period.holds(e["at"])]
    shown.sort(key=lambda e: e["seq"], reverse=True)
    shown = shown[:ENTRY_LIMIT]
    # Audited as the API audits its answer: the queried objects, under the label of their newest shown entry.
    newest_label: dict[str, str] = {}
    for e in reversed(shown):
        newest_label[e["object_id"]] = e["label"] or ""
    record_read(request, user, "audit.query", list(newest_label), list(newest_label.values()))
    counts: dict[str, int] = {}
    for e in shown:
        counts[e["object_id"]] = counts.get(e["object_id"], 0) + 1
    labels = [e["label"] for e in shown if e["label"]] + [o["label"] for o in listed]
    context.update(listed=listed, entries=shown, more=more, counts=counts, truncated=len(shown) >= ENTRY_LIMIT)
    return render(request, "audit.html", user=user, csrf=csrf, labels=labels, **context)


@router.get("/audit/chain")
def audit_chain(request: Request) -> Response:
    """Whether the whole audit trail verifies, for administrators: its own page, since it reads every entry.

    Administrators only: the number of entries counts every member's reads and writes, and the
    time it takes grows with them.
    """
    user, csrf = session_of(request)
    require_role(user, "admin")
    cell = cell_of(request)
    started = time.perf_counter()
    with cell.db.read() as conn:
        broken = audit.verify(conn)
        entries = audit.count(conn)
    ms = (time.perf_counter() - started) * 1000
    context: dict[str, Any] = {
        "chain_ok": broken is None,
        "chain_break": str(broken or ""),
        "entries": entries,
        "ms": ms,
    }
    return render(request, "audit_chain.html", user=user, csrf=csrf, **context)
