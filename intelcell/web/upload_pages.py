"""Bulk upload in the browser: person records (FollowTheMoney JSON lines or CSV) and STIX bundles, checked whole.

The form sends the file with its format, label and disclosure choices. Every line (row, object)
is checked before anything is stored and the label must be one the user may assign
(`records.assignable_label`); a file with a bad line comes back as a report, line by line, with
nothing stored, unless the user ticked "store the valid lines only".

- FollowTheMoney JSON lines (`fighters.uploads`) are stored by `fighters.upload_jobs` in the
  background and the browser is sent to its progress page, which ``upload.js`` updates from
  ``/fighters/upload/{id}.json``; without scripts the page reloads itself while storing.
- A CSV file waits (`fighters.staging`) on a mapping page that shows its header and first rows
  with a mapping guessed from the header; the submitted mapping is checked
  (`fighters.csv_records`), then the rows as above. The file is UTF-8 unless the user chooses
  Windows-1256 or Latin-1; a mis-encoded file is refused, naming its likely encoding.
- A STIX bundle goes into a collection the user may write: `exchange.bundle_upload` judges every
  object as TAXII ingest does and stores through the same code, in one transaction.

An upload is its member's, a staged CSV file its sender's: to anyone else their addresses answer
like unknown ones. Bodies over the size limit never reach these handlers (`api.limits` answers
an explained page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.cell import Cell
from intelcell.exchange import bundle_upload, collections
from intelcell.exchange.collections import Collection
from intelcell.fighters import csv_records, records, staging, upload_jobs
from intelcell.fighters.csv_records import ENCODINGS, MappingError
from intelcell.fighters.records import SubmitError
from intelcell.fighters.upload_jobs import AlreadyUploaded
from intelcell.fighters.uploads import BOM, Report, UploadError, check
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.picker import readers_hint, usable_labels
from intelcell.web.render import DATA_HEADERS, Refused, render, require_csrf, session_of
from intelcell.web.session import current_session

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
PAGE = "/fighters/upload"
PROBLEMS_SHOWN = 200
STIX_PATH = "web: STIX upload"
FORMATS = {
    "auto": "Tell from the file",
    "ftm": "Person records: FollowTheMoney JSON lines",
    "csv": "Person records: CSV (map its columns next)",
    "stix": "STIX 2.1 bundle (into a collection)",
}
SUGGESTED_LABELS = (
    "NATO SECRET // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO COALITION",
    "NATO RESTRICTED // REL TO COALITION",
    "NATO SECRET",
)
_LABEL_STATUS = {"invalid_label": 422, "label_not_permitted": 403}


def _writable(cell: Cell, user: User) -> list[Collection]:
    with cell.db.read() as conn:
        return [c for c in collections.all_collections(conn, cell) if c.can_write(user, cell)]


def _form_page(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    *,
    error: str = "",
    label_error: str = "",
    report: Report | None = None,
    bundle: bundle_upload.BundleReport | None = None,
    status: int = 200,
) -> Response:
    cell = cell_of(request)
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
        bundle=bundle,
        bundle_shown=bundle.problems[:PROBLEMS_SHOWN] if bundle else [],
        formats=FORMATS,
        encodings=ENCODINGS,
        writable=_writable(cell, user),
        label_options=usable_labels(cell, user, SUGGESTED_LABELS),
        readers=readers_hint(cell, user, form.get("label", "")),
        max_bytes=cell.settings.max_body_bytes,
    )


@router.get(PAGE)
def upload_page(request: Request) -> Response:
    """The upload form."""
    user, csrf = session_of(request)
    return _form_page(request, user, csrf, {"discoverable": "on", "format": "auto", "encoding": "utf-8"})


def format_of(chosen: str, file_name: str, data: bytes) -> str:
    """The format the user chose, or the one the file's name and first character tell."""
    if chosen in FORMATS and chosen != "auto":
        return chosen
    if file_name.lower().endswith((".csv", ".tsv")):
        return "csv"
    if data.removeprefix(BOM).lstrip()[:1] == b"{":
        try:
            whole = orjson.loads(data.removeprefix(BOM))
        except orjson.JSONDecodeError:
            return "ftm"  # several JSON objects, one per line
        if isinstance(whole, dict) and isinstance(whole.get("objects"), list):
            return "stix"
    return "ftm"


def _already(exc: AlreadyUploaded) -> str:
    earlier = exc.upload
    when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC")
    verb = "is being stored" if earlier.status == "storing" else "was stored"
    return (
        f"This file was already uploaded by {earlier.by} on {when} and {verb}; it is not stored again. "
        f"See /fighters/upload/{earlier.id}."
    )


@router.post(PAGE)
def upload(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    format: Annotated[str, Form()] = "auto",
    encoding: Annotated[str, Form()] = "utf-8",
    label: Annotated[str, Form()] = "",
    collection: Annotated[str, Form()] = "",
    discoverable: Annotated[str, Form()] = "",
    disclose_holder: Annotated[str, Form()] = "",
    partial: Annotated[str, Form()] = "",
) -> Response:
    """Check the file whole; store it (person records: 303 to their progress) or answer the report."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, PAGE)
    form = {
        "label": label[:1000],
        "format": format[:8],
        "encoding": encoding[:16],
        "collection": collection[:200],
        "discoverable": discoverable,
        "disclose_holder": disclose_holder,
        "partial": partial,
    }
    data = file.file.read() if file is not None else b""
    if file is None or (not file.filename and not data):
        return _form_page(request, user, expected, form, error="Choose a file to upload.", status=422)
    name = file.filename or "upload"
    kind = format_of(format, name, data)
    if kind == "stix":
        return _upload_bundle(request, user, expected, form, data)
    if kind == "csv":
        return _stage_csv(request, user, expected, form, name, data)
    try:
        report = check(data)
    except UploadError as exc:
        return _form_page(request, user, expected, form, error=f"{exc} Nothing was stored.", status=422)
    return _store_records(request, user, expected, form, report, name, _form_page)


def _store_records(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    report: Report,
    name: str,
    page: Callable[..., Response],
) -> Response:
    """Check the label, then store the report's valid records in the background (303), or answer ``page``."""
    cell = cell_of(request)
    base = {"request": request, "user": user, "csrf": csrf, "form": form}
    try:
        chosen = records.assignable_label(cell, user, form["label"])
    except SubmitError as exc:
        status = _LABEL_STATUS.get(exc.kind, 422)
        return page(**base, label_error=f"{exc.reason}. Nothing was stored.", report=report, status=status)
    if report.problems and not form["partial"]:
        return page(**base, report=report, status=422)
    if not report.valid:
        error = "No line of the file is valid, so there is nothing to store."
        return page(**base, error=error, report=report, status=422)
    try:
        upload_id = upload_jobs.start(
            cell,
            user,
            report,
            chosen,
            name,
            partial=bool(form["partial"]),
            discoverable=bool(form["discoverable"]),
            disclose_holder=bool(form["disclose_holder"]),
        )
    except AlreadyUploaded as exc:
        return page(**base, error=_already(exc), status=409)
    return RedirectResponse(f"{PAGE}/{upload_id}", status_code=303)


# --- CSV: stage the file, map its columns, then check and store its rows --------------------------------


def _stage_csv(request: Request, user: User, csrf: str, form: dict[str, str], name: str, data: bytes) -> Response:
    cell = cell_of(request)
    try:
        csv_records.read(data, form["encoding"])
    except UploadError as exc:
        return _form_page(request, user, csrf, form, error=f"{exc} Nothing was stored.", status=422)
    try:
        records.assignable_label(cell, user, form["label"])
    except SubmitError as exc:
        status = _LABEL_STATUS.get(exc.kind, 422)
        return _form_page(request, user, csrf, form, label_error=f"{exc.reason}. Nothing was stored.", status=status)
    options = {k: form[k] for k in ("label", "encoding", "discoverable", "disclose_holder", "partial")}
    staged_id = staging.stage(cell, user, name, data, options)
    return RedirectResponse(f"{PAGE}/csv/{staged_id}", status_code=303)


def _staged(request: Request, user: User, staged_id: str) -> staging.Staged:
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = staging.get(conn, user, staged_id, cell.clock())
    if found is None:
        message = "There is no CSV file of yours waiting at this address (files wait six hours). Upload it again."
        raise Refused(404, "No such file", message, PAGE, "Upload a file")
    return found


def _mapping_page(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    *,
    staged: staging.Staged,
    mapping: list[str] | None = None,
    error: str = "",
    label_error: str = "",
    mapping_errors: list[str] | None = None,
    report: Report | None = None,
    status: int = 200,
) -> Response:
    table = None
    try:
        table = csv_records.read(staged.data, form["encoding"])
    except UploadError as exc:
        error = error or f"{exc} Nothing was stored."
        status = 422
    if table is not None and (mapping is None or len(mapping) != len(table.header)):
        mapping = csv_records.guess(table.header)
    return render(
        request,
        "fighters_upload_csv.html",
        user=user,
        csrf=csrf,
        status=status,
        staged=staged,
        form=form,
        table=table,
        preview=table.rows[: csv_records.PREVIEW_ROWS] if table else [],
        mapping=mapping or [],
        properties=csv_records.mappable(),
        encodings=ENCODINGS,
        error=error,
        label_error=label_error,
        mapping_errors=mapping_errors or [],
        report=report,
        shown=report.problems[:PROBLEMS_SHOWN] if report else [],
    )


@router.get(PAGE + "/csv/{staged_id}")
def mapping_page(request: Request, staged_id: str, encoding: str = "") -> Response:
    """A staged CSV file's header and first rows, and the column mapping to choose (guessed from the header)."""
    user, csrf = session_of(request)
    staged = _staged(request, user, staged_id)
    form = {**staged.options, "encoding": encoding[:16] or staged.options["encoding"]}
    return _mapping_page(request, user, csrf, form, staged=staged)


@router.post(PAGE + "/csv/{staged_id}")
def map_and_upload(
    request: Request,
    staged_id: str,
    csrf: Annotated[str, Form()] = "",
    encoding: Annotated[str, Form()] = "utf-8",
    column: Annotated[list[str] | None, Form()] = None,
    partial: Annotated[str, Form()] = "",
) -> Response:
    """Check the mapping and every row; store the records in the background (303) or answer the report."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, f"{PAGE}/csv/{staged_id[:64]}")
    staged = _staged(request, user, staged_id)
    form = {**staged.options, "encoding": encoding[:16], "partial": partial}
    mapping = [c[:80] for c in column or []]

    def page(**kwargs: Any) -> Response:
        return _mapping_page(staged=staged, mapping=mapping, **kwargs)

    try:
        table = csv_records.read(staged.data, form["encoding"])
        report = csv_records.check(staged.data, form["encoding"], mapping, table)
    except UploadError as exc:
        return page(
            request=request, user=user, csrf=expected, form=form, error=f"{exc} Nothing was stored.", status=422
        )
    except MappingError as exc:
        return page(request=request, user=user, csrf=expected, form=form, mapping_errors=exc.reasons, status=422)
    response = _store_records(request, user, expected, form, report, staged.file_name, page)
    if response.status_code == 303:
        staging.discard(cell_of(request), user, staged.id)
    return response


# --- STIX bundles: judged like TAXII ingest, stored through it ---------------------------------------


def _upload_bundle(request: Request, user: User, csrf: str, form: dict[str, str], data: bytes) -> Response:
    cell = cell_of(request)
    target = next((c for c in _writable(cell, user) if form["collection"] in (c.id, c.alias)), None)
    if not form["collection"] or target is None:
        # An unknown collection and one the user may not write answer alike.
        error = "Choose a collection you may add objects to. Nothing was stored."
        return _form_page(request, user, csrf, form, error=error, status=422)
    try:
        found = bundle_upload.read_bundle(data, cell.settings.max_envelope_objects)
    except UploadError as exc:
        return _form_page(request, user, csrf, form, error=f"{exc} Nothing was stored.", status=422)
    report = bundle_upload.preview(cell, user, target, found)
    if report.problems and not form["partial"]:
        return _form_page(request, user, csrf, form, bundle=report, status=422)
    if not report.storable:
        if report.present:
            error = f"Every valid object of this bundle is already stored in {target.title}; nothing new was stored."
            return _form_page(request, user, csrf, form, error=error, bundle=report, status=409)
        error = "No object of the bundle is valid, so there is nothing to store."
        return _form_page(request, user, csrf, form, error=error, bundle=report, status=422)
    status = bundle_upload.store(cell, user, target, report, STIX_PATH)
    return render(
        request,
        "fighters_upload_stix.html",
        user=user,
        csrf=csrf,
        collection=target,
        report=report,
        status_resource=status,
        skipped=report.problems[:PROBLEMS_SHOWN],
    )


# --- Progress of person uploads ----------------------------------------------------------------------


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
