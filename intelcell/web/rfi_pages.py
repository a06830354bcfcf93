"""Requests for information in the browser: the inbox, the composer and the thread (issue 7).

Every read goes through ``intelcell.exchange.rfis`` (the functions the REST API uses), so a page
shows exactly the RFIs and answers the API would show the same user, and audits the read the
same way (``rfi.list``, ``rfi.read``). An RFI that is missing and one that is hidden from the
caller give the same 404 page. Writes (ask, answer, close) check the form's CSRF token first and
store nothing when refused; the refusal is shown beside the field it concerns, with status 422.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.exchange.rfis import Rfi, RfiError
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.picker import readers_hint, usable_labels
from intelcell.web.render import Refused, render, require_csrf, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

#: How many RFIs the inbox lists (newest first); the page says so when the limit is reached.
LIST_LIMIT = 300
MAX_SUBJECT = 200
#: Labels offered in the composer's suggestion list, kept only when the user may assign them.
SUGGESTED_LABELS = (
    "NATO UNCLASSIFIED",
    "NATO RESTRICTED // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO COALITION",
    "NATO SECRET // REL TO COALITION",
    "NATO RESTRICTED",
    "NATO CONFIDENTIAL",
    "NATO SECRET",
)
FILTERS = ("all", *rfis.STATUSES)


def _not_found() -> Refused:
    """The one page for an RFI that is missing or hidden: it names nothing about either."""
    return Refused(404, "RFI not found", "There is no RFI at this address for you.", "/rfis", "Back to the RFIs")


def _last_answers(cell: Cell, user: User, shown: list[Rfi]) -> dict[str, datetime]:
    """When each listed RFI last got an answer the caller sees (one query, the domain's visibility rule)."""
    if not shown:
        return {}
    with cell.db.read() as conn:
        return rfis.last_answers(cell, conn, user, [r.id for r in shown])


def subject_of(question: str) -> str:
    """The first line of a question: the composer stores the subject there."""
    first = question.strip().splitlines()[0] if question.strip() else ""
    return first if len(first) <= 120 else first[:119] + "…"


def _row(rfi: Rfi, last_answer: datetime | None) -> dict[str, Any]:
    moments = [m for m in (rfi.created_at, rfi.closed_at, last_answer) if m is not None]
    return {
        "id": rfi.id,
        "subject": subject_of(rfi.question),
        "member": rfi.member,
        "user": rfi.user,
        "addressees": ", ".join(rfi.addressees),
        "label": rfi.label,
        "status": rfi.status,
        "overdue": rfi.overdue,
        "priority": rfi.priority,
        "deadline": rfi.deadline,
        "last": max(moments),
    }


@router.get("/rfis")
def inbox(request: Request, status: str = "all") -> Response:
    """RFIs addressed to the caller's member and RFIs it asked, as the API lists them for this user."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    if status not in FILTERS:
        raise Refused(422, "Unknown filter", f"Status must be one of {', '.join(FILTERS)}.", "/rfis", "All RFIs")
    with cell.db.read() as conn:
        found = rfis.listing(cell, conn, user, status=None if status == "all" else status, limit=LIST_LIMIT)
    record_read(request, user, "rfi.list", [r.id for r in found], [r.label for r in found])
    last = _last_answers(cell, user, found)
    rows = [_row(r, last.get(r.id)) for r in found]
    return render(
        request,
        "rfi_inbox.html",
        user=user,
        csrf=csrf,
        labels=[r.label for r in found],
        status=200,
        filter=status,
        filters=FILTERS,
        received=[r for r in rows if r["member"] != user.member],
        sent=[r for r in rows if r["member"] == user.member],
        truncated=len(found) >= LIST_LIMIT,
        limit=LIST_LIMIT,
    )


def _composer(
    request: Request, user: User, csrf: str, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    cell = cell_of(request)
    registry = cell.registry
    members = sorted((m for m in registry.members.values() if m.code != user.member), key=lambda m: m.name)
    communities = sorted(registry.communities.values(), key=lambda c: c.name)
    return render(
        request,
        "rfi_new.html",
        user=user,
        csrf=csrf,
        status=status,
        form=form,
        errors=errors,
        members=members,
        communities=communities,
        priorities=rfis.PRIORITIES,
        label_options=usable_labels(cell, user, SUGGESTED_LABELS),
        readers=readers_hint(cell, user, form.get("label", "")),
    )


@router.get("/rfis/new")
def composer(request: Request, to: str = "") -> Response:
    """The form to ask a question of a member or community."""
    user, csrf = session_of(request)
    deadline = (cell_of(request).clock() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {"addressee": to, "label": "", "deadline": deadline, "priority": "routine"}
    return _composer(request, user, csrf, form, {})


def _field_of(exc: RfiError) -> str:
    """Which form field a refusal of ``rfis.ask`` concerns."""
    if exc.kind in ("invalid_label", "label_not_permitted"):
        return "label"
    reason = exc.reason
    for word, field in (("deadline", "deadline"), ("addressee", "addressee"), ("priority", "priority")):
        if word in reason:
            return field
    return "question"


def _deadline_text(value: str) -> str:
    """A deadline from the form's local date-time field, read as UTC (the field has no time zone)."""
    value = value.strip()
    if value and "T" in value and not value.endswith("Z") and "+" not in value[10:] and "-" not in value[10:]:
        return value + "Z"
    return value


@router.post("/rfis")
def ask(
    request: Request,
    csrf: Annotated[str, Form(max_length=200)] = "",
    addressee: Annotated[str, Form(max_length=64)] = "",
    subject: Annotated[str, Form(max_length=2000)] = "",
    question: Annotated[str, Form(max_length=20000)] = "",
    label: Annotated[str, Form(max_length=1000)] = "",
    deadline: Annotated[str, Form(max_length=64)] = "",
    priority: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Ask the question; the form again with the reason beside the field (422) when refused, nothing stored."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/rfis/new")
    cell = cell_of(request)
    form = {
        "addressee": addressee,
        "subject": subject,
        "question": question,
        "label": label,
        "deadline": deadline,
        "priority": priority,
    }
    errors: dict[str, str] = {}
    subject_line = " ".join(subject.split())
    if not subject_line:
        errors["subject"] = "Give the question a subject."
    elif len(subject_line) > MAX_SUBJECT:
        errors["subject"] = f"The subject is longer than {MAX_SUBJECT} characters."
    if not addressee.strip():
        errors["addressee"] = "Choose the member or community to ask."
    if not label.strip():
        errors["label"] = "Give the question a label."
    if errors:
        return _composer(request, user, expected, form, errors, 422)
    body = subject_line + ("\n\n" + question.strip() if question.strip() else "")
    try:
        rfi = rfis.ask(
            cell,
            user,
            question=body,
            label=label,
            addressees=[addressee],
            deadline=_deadline_text(deadline),
            priority=priority,
            path=f"POST {request.url.path}",
        )
    except RfiError as exc:
        return _composer(request, user, expected, form, {_field_of(exc): exc.reason}, 422)
    return RedirectResponse(f"/rfis/{rfi.id}", status_code=303)


def _may_answer(cell: Cell, user: User, rfi: Rfi) -> bool:
    """Whether the API would take an answer from ``user`` (an addressee, not the asker, RFI not closed)."""
    return rfi.status != "closed" and rfis.addressed_to(cell, rfi, user.member)


def _thread(
    request: Request,
    user: User,
    csrf: str,
    rfi_id: str,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    cell = cell_of(request)
    with cell.db.read() as conn:
        rfi = rfis.get(cell, conn, user, rfi_id)
    if rfi is None:
        raise _not_found()
    labels = [rfi.label, *(a.label for a in rfi.answers)]
    record_read(request, user, "rfi.read", [rfi.id, *(a.id for a in rfi.answers)], labels)
    return render(
        request,
        "rfi_thread.html",
        user=user,
        csrf=csrf,
        labels=labels,
        status=status,
        rfi=rfi,
        subject=subject_of(rfi.question),
        may_answer=_may_answer(cell, user, rfi),
        may_close=rfi.status != "closed" and (user.member == rfi.member or user.role == "admin"),
        form=form or {"label": rfi.label},
        errors=errors or {},
        label_options=usable_labels(cell, user, SUGGESTED_LABELS),
        readers=readers_hint(cell, user, (form or {"label": rfi.label}).get("label", "")),
    )


@router.get("/rfis/{rfi_id}")
def thread(request: Request, rfi_id: str) -> Response:
    """One RFI with the answers the caller sees; the same 404 page when it is missing or hidden."""
    user, csrf = session_of(request)
    return _thread(request, user, csrf, rfi_id)


def _refusal(exc: RfiError, rfi_id: str) -> Refused:
    """The page for a refused answer or close that is not about a form field."""
    if exc.kind == "not_found":
        return _not_found()
    title = {"forbidden": "Not allowed", "conflict": "Already closed"}.get(exc.kind, "Refused")
    status = {"forbidden": 403, "conflict": 409}.get(exc.kind, 422)
    return Refused(status, title, exc.reason[:1].upper() + exc.reason[1:] + ".", f"/rfis/{rfi_id}", "Back to the RFI")


@router.post("/rfis/{rfi_id}/answers")
def answer(
    request: Request,
    rfi_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=20000)] = "",
    label: Annotated[str, Form(max_length=1000)] = "",
    object_ids: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """Answer an RFI addressed to the caller's member; the thread again with the reason (422) when refused."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, f"/rfis/{rfi_id}")
    form = {"text": text, "label": label, "object_ids": object_ids}
    cited = [part for part in object_ids.replace(",", " ").split() if part]
    try:
        rfis.answer(
            cell_of(request),
            user,
            rfi_id,
            text=text,
            label=label,
            object_ids=cited,
            # The route, not the id, as the API records it: cited objects' originators read this entry.
            path="POST /rfis/{rfi_id}/answers",
        )
    except RfiError as exc:
        if exc.kind in ("not_found", "forbidden", "conflict"):
            raise _refusal(exc, rfi_id) from None
        field = "label" if exc.kind in ("invalid_label", "label_not_permitted") else "text"
        if "object" in exc.reason:
            field = "object_ids"
        return _thread(request, user, expected, rfi_id, form, {field: exc.reason}, 422)
    return RedirectResponse(f"/rfis/{rfi_id}#answers", status_code=303)


@router.post("/rfis/{rfi_id}/close")
def close(request: Request, rfi_id: str, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Close an RFI (the asking member, or an administrator who sees it)."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, f"/rfis/{rfi_id}")
    try:
        rfis.close(cell_of(request), user, rfi_id, f"POST {request.url.path}")
    except RfiError as exc:
        raise _refusal(exc, rfi_id) from None
    return RedirectResponse(f"/rfis/{rfi_id}", status_code=303)
