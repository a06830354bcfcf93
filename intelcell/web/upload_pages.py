"""Bulk upload of person records in the browser: FollowTheMoney JSON lines, checked whole, stored in the background.

The form sends the file with its label and disclosure choices. Every line is checked before
anything is stored (`fighters.uploads.check`) and the label must be one the user may assign
(`records.assignable_label`); a file with a bad line comes back as a report, line by line, with
nothing stored, unless the user ticked "store the valid lines only". A valid upload is stored by
`fighters.upload_jobs` in the background and the browser is sent to its progress page, which
``upload.js`` updates from ``/fighters/upload/{id}.json``; without scripts the page reloads
itself while storing. An upload is its member's: to anyone else its addresses answer like
unknown ones.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.fighters import records, upload_jobs
from intelcell.fighters.records import SubmitError
from intelcell.fighters.upload_jobs import AlreadyUploaded
from intelcell.fighters.uploads import Report, UploadError, check
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.picker import readers_hint, usable_labels
from intelcell.web.render import DATA_HEADERS, Refused, render, require_csrf, session_of
from intelcell.web.session import current_session

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
PAGE = "/fighters/upload"
PROBLEMS_SHOWN = 200
SUGGESTED_LABELS = (
    "NATO SECRET // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO COALITION",
    "NATO RESTRICTED // REL TO COALITION",
    "NATO SECRET",
)
_LABEL_STATUS = {"invalid_label": 422, "label_not_permitted": 403}


def _form_page(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    *,
    error: str = "",
    label_error: str = "",
    report: Report | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "fighters_upload.html",
        user=user,
        csrf=csrf,
        status=status,
        form=form,
        error=error,
        label_error=label_error,
        report=report,
        shown=report.problems[:PROBLEMS_SHOWN] if report else [],
        label_options=usable_labels(cell_of(request), user, SUGGESTED_LABELS),
        readers=readers_hint(cell_of(request), user, form.get("label", "")),
        max_bytes=cell_of(request).settings.max_body_bytes,
    )


@router.get(PAGE)
def upload_page(request: Request) -> Response:
    """The upload form."""
    user, csrf = session_of(request)
    return _form_page(request, user, csrf, {"discoverable": "on"})


@router.post(PAGE)
def upload(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    label: Annotated[str, Form()] = "",
    discoverable: Annotated[str, Form()] = "",
    disclose_holder: Annotated[str, Form()] = "",
    partial: Annotated[str, Form()] = "",
) -> Response:
    """Check the file whole; store it in the background (303 to its progress) or answer the report."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    cell = cell_of(request)
    form = {"label": label[:1000], "discoverable": discoverable, "disclose_holder": disclose_holder, "partial": partial}
    data = file.file.read() if file is not None else b""
    if file is None or (not file.filename and not data):
        return _form_page(request, user, expected, form, error="Choose a file to upload.", status=422)
    try:
        report = check(data)
    except UploadError as exc:
        return _form_page(request, user, expected, form, error=f"{exc} Nothing was stored.", status=422)
    try:
        chosen = records.assignable_label(cell, user, label)
    except SubmitError as exc:
        message = f"{exc.reason}. Nothing was stored."
        status = _LABEL_STATUS.get(exc.kind, 422)
        return _form_page(request, user, expected, form, label_error=message, report=report, status=status)
    if report.problems and not partial:
        return _form_page(request, user, expected, form, report=report, status=422)
    if not report.valid:
        error = "No line of the file is valid, so there is nothing to store."
        return _form_page(request, user, expected, form, error=error, report=report, status=422)
    try:
        upload_id = upload_jobs.start(
            cell,
            user,
            report,
            chosen,
            file.filename or "upload.jsonl",
            partial=bool(partial),
            discoverable=bool(discoverable),
            disclose_holder=bool(disclose_holder),
        )
    except AlreadyUploaded as exc:
        earlier = exc.upload
        when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC")
        verb = "is being stored" if earlier.status == "storing" else "was stored"
        error = (
            f"This file was already uploaded by {earlier.by} on {when} and {verb}; it is not stored again. "
            f"See /fighters/upload/{earlier.id}."
        )
        return _form_page(request, user, expected, form, error=error, status=409)
    return RedirectResponse(f"{PAGE}/{upload_id}", status_code=303)


def _own_upload(request: Request, user: User, upload_id: str) -> upload_jobs.Upload | None:
    with cell_of(request).db.read() as conn:
        return upload_jobs.get(conn, user.member, upload_id[:64])


@router.get(PAGE + "/{upload_id}.json")
def progress_json(request: Request, upload_id: str) -> JSONResponse:
    """The upload's progress for ``upload.js``; 401 without a session, 404 alike for unknown and others' uploads."""
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "no browser session: sign in at /login")
    found = _own_upload(request, session[0], upload_id)
    if found is None:
        raise ApiError(404, "not_found", "no such upload")
    return JSONResponse(found.to_json(cell_of(request).clock()), headers=DATA_HEADERS)


@router.get(PAGE + "/{upload_id}")
def progress_page(request: Request, upload_id: str) -> Response:
    """An upload's progress, then its result."""
    user, csrf = session_of(request)
    found = _own_upload(request, user, upload_id)
    if found is None:
        raise Refused(404, "No such upload", "Your member has no upload at this address.", PAGE, "Upload a file")
    state = found.state(cell_of(request).clock())
    return render(request, "fighters_upload_progress.html", user=user, csrf=csrf, upload=found, state=state)
