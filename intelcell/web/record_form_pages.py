"""The FTF record form: an analyst enters one person record, or a new version of its member's own.

The form's fields are FollowTheMoney Person properties (`web.record_form`). Saving goes through
`fighters.records.submit`, the API's store function, so the label rule (none above the user's
clearance, released only as `policy.assignable` allows), validation, audit, watchlist screening
and linkage are the API's. A refused form comes back with what was typed and a message by each
wrong field, and nothing is stored.

After a save the new record is screened like a query of the screening page (`fighters.screening`,
the same hit/no-hit rules, hits recorded for their holders): records the user may read are shown
with the features that explain their score, each with "Same person: link", which records a
confirmed decision through `fighters.review.decide` (the review queue's, with its access rules);
a match the user may not read is only an unnamed hit to ask the holder about. The record just
saved is left out. "Check for existing persons" runs the same screening before anything is stored.

The edit page exists only for a current record of the user's own member that the user may read;
any other address answers the one "no such record" page.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.domain.matching import ftf_v2
from intelcell.domain.person import Profile
from intelcell.exchange import rfis
from intelcell.fighters import entities, records, resolution, review, screening
from intelcell.fighters.entities import EntityError
from intelcell.fighters.records import Record, SubmitError
from intelcell.fighters.review import ReviewError
from intelcell.store.schema import persons
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.fighters_pages import DEFAULT_RFI_LABEL, PROPERTY_TITLES, STATE_TITLES, names_of, result_row
from intelcell.web.picker import readers_hint, usable_labels
from intelcell.web.record_form import GENDERS, REPEATED, STATUSES, RecordForm, check, entity, from_properties, kept
from intelcell.web.render import FormExpired, Refused, render, require_csrf, session_of
from intelcell.web.upload_pages import SUGGESTED_LABELS

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
NEW = "/fighters/records/new"
LINK = "/fighters/records/link"
CANDIDATES_SHOWN = 10  # as the screening page: an analyst compares a handful
MAX_LABEL = 1000
_FORM_ID = re.compile(r"form-[0-9a-f]{32}")
_LABEL_STATUS = {"invalid_label": 422, "label_not_permitted": 403}
_REVIEW_STATUS = {"invalid_request": 422, "forbidden": 403, "not_found": 404}


class Posted(BaseModel):
    """The record form as the browser sends it (repeated fields as lists)."""

    csrf: str = ""
    form_id: str = ""
    version: str = ""
    action: str = "save"
    name_latin: list[str] = Field(default_factory=list)
    name_arabic: list[str] = Field(default_factory=list)
    alias: list[str] = Field(default_factory=list)
    kunya: list[str] = Field(default_factory=list)
    birth_date: list[str] = Field(default_factory=list)
    nationality: list[str] = Field(default_factory=list)
    doc_kind: list[str] = Field(default_factory=list)
    doc_number: list[str] = Field(default_factory=list)
    birth_place: str = ""
    gender: str = ""
    status: str = ""
    label: str = ""
    discoverable: str = ""
    disclose_holder: str = ""

    def form(self) -> RecordForm:
        """The typed values as a `RecordForm` (blank rows dropped)."""
        values = {key: [v for v in getattr(self, key) if v.strip()] for key, _p, _t in REPEATED}
        kinds = self.doc_kind + ["passport"] * max(0, len(self.doc_number) - len(self.doc_kind))
        documents = [(k, n) for k, n in zip(kinds, self.doc_number, strict=False) if n.strip()]
        return RecordForm(
            values=values,
            documents=documents,
            birth_place=self.birth_place,
            gender=self.gender,
            status=self.status,
            label=self.label,
            discoverable=bool(self.discoverable),
            disclose_holder=bool(self.disclose_holder),
        )


def _edit_path(record_id: str) -> str:
    return f"/fighters/records/{record_id}/edit"


def _no_such_record(record_id: str, user: User) -> Refused:
    """The one page for a record that is missing, unreadable or another member's."""
    message = f"There is no record '{record_id[:200]}' of {user.member} you may edit."
    return Refused(404, "No such record", message, NEW, "Enter a new record")


def _own_record(request: Request, user: User, record_id: str) -> Record:
    """The current version of a record of the user's member that the user may read, else `_no_such_record`."""
    cell = cell_of(request)
    found = None
    if len(record_id) <= 200 and record_id.startswith(f"{user.member}-"):
        with cell.db.read() as conn:
            found = records.get(cell, conn, user, record_id)
    if found is None or found.member != user.member:
        raise _no_such_record(record_id, user)
    return found


def _candidate_rows(result: screening.Result, states: dict[str, str]) -> dict[str, Any]:
    return {**result_row(result), "state": states.get(result.record_id)}


def _candidates(request: Request, user: User, profile: Profile, exclude: str | None) -> dict[str, Any]:
    """Screen ``profile`` as the screening page does, leaving out ``exclude`` (the record itself); audited."""
    cell = cell_of(request)
    # Every result the index yields, so that leaving the record itself out never shortens the list.
    found = screening.screen(cell, user, {"q": profile}, limit=screening.CANDIDATES)["q"]
    results = [r for r in found.results if r.record_id != exclude]
    shown = results[:CANDIDATES_SHOWN]
    states: dict[str, str] = {}
    if exclude is not None and shown:
        ids = {r.record_id for r in shown}
        with cell.db.read() as conn:
            for link in resolution.links_of(conn, [exclude]):
                other = link.b_id if link.a_id == exclude else link.a_id
                if other in ids:  # both ends readable: the record saved and a result
                    states[other] = link.state
    record_read(request, user, "person.match", [r.record_id for r in shown], [r.label for r in shown])
    return {
        "results": [_candidate_rows(r, states) for r in shown],
        "total": len(results),
        "hits": found.hits,
    }


def _form_page(
    request: Request,
    user: User,
    csrf: str,
    form: RecordForm,
    *,
    record: Record | None = None,
    form_id: str = "",
    errors: dict[str, str] | None = None,
    error: str = "",
    found: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    cell = cell_of(request)
    keep = kept(record.entity.get("properties", {})) if record else {}
    shown = [r["label"] for r in found["results"]] if found else []
    return render(
        request,
        "fighters_record_form.html",
        user=user,
        csrf=csrf,
        labels=[*([record.label] if record else []), *shown],
        status=status,
        form=form,
        record=record,
        form_id=form_id,
        action=_edit_path(record.id) if record else NEW,
        errors=errors or {},
        error=error,
        kept=[(PROPERTY_TITLES.get(p, p), v) for p, v in sorted(keep.items())],
        found=found,
        label_options=usable_labels(cell, user, SUGGESTED_LABELS),
        readers=readers_hint(cell, user, form.label),
        genders=GENDERS,
        statuses=STATUSES,
        threshold=ftf_v2.THRESHOLD,
        rfi_label=DEFAULT_RFI_LABEL,
        priorities=rfis.PRIORITIES,
        state_titles=STATE_TITLES,
        may_link=False,
    )


@router.get(NEW)
def new_record(request: Request) -> Response:
    """An empty record form (its hidden id makes sending it twice one record, not two)."""
    user, csrf = session_of(request)
    form = RecordForm(label=next(iter(usable_labels(cell_of(request), user, SUGGESTED_LABELS)), ""))
    return _form_page(request, user, csrf, form, form_id=f"form-{secrets.token_hex(16)}")


@router.get("/fighters/records/{record_id}/edit")
def edit_record(request: Request, record_id: str) -> Response:
    """The form filled with a record of the user's member, to store a new version of it."""
    user, csrf = session_of(request)
    found = _own_record(request, user, record_id)
    record_read(request, user, "person.read", [found.id], [found.label])
    props = found.entity.get("properties", {})
    form = from_properties(props, found.label, found.discoverable, found.disclose_holder)
    return _form_page(request, user, csrf, form, record=found)


def _taken(request: Request, record_id: str) -> bool:
    """True when a record with this id exists, readable or not (a new form's id must be fresh or the user's)."""
    with cell_of(request).db.read() as conn:
        return conn.execute(select(persons.c.pk).where(persons.c.id == record_id).limit(1)).first() is not None


@router.post(NEW)
def save_new(request: Request, posted: Annotated[Posted, Form()]) -> Response:
    """Store a new record (or check for existing persons first); the form again with reasons when refused."""
    user, expected = session_of(request)
    require_csrf(expected, posted.csrf, NEW)
    if not _FORM_ID.fullmatch(posted.form_id):
        raise FormExpired(NEW)
    rid = records.record_id(user.member, posted.form_id)
    previous = None
    if _taken(request, rid):
        # The same form sent again (a reload) is the same record; a record this user may not read
        # is never overwritten, and answers as any forged form does.
        with cell_of(request).db.read() as conn:
            previous = records.get(cell_of(request), conn, user, rid)
        if previous is None:
            raise FormExpired(NEW)
    return _save(request, user, expected, posted, previous, posted.form_id, editing=False)


@router.post("/fighters/records/{record_id}/edit")
def save_edit(request: Request, record_id: str, posted: Annotated[Posted, Form()]) -> Response:
    """Store a new version of a record of the user's member, keeping the properties the form has no field for."""
    user, expected = session_of(request)
    require_csrf(expected, posted.csrf, _edit_path(record_id[:200]))
    current = _own_record(request, user, record_id)
    if posted.action == "save" and posted.version != str(current.version):
        error = (
            f"This record changed while you edited it: version {current.version} is now current. "
            "Check your changes against it, then save again. Nothing was stored."
        )
        return _form_page(request, user, expected, posted.form(), record=current, error=error, status=409)
    return _save(request, user, expected, posted, current, record_id[len(user.member) + 1 :], editing=True)


def _save(
    request: Request, user: User, csrf: str, posted: Posted, current: Record | None, entity_id: str, *, editing: bool
) -> Response:
    """Check the form, then store it through `records.submit` (or only screen it); the form again when refused."""
    cell = cell_of(request)
    form = posted.form()

    def again(**shown: Any) -> Response:
        """The form once more, with what was typed and ``shown`` (errors, candidates)."""
        record, form_id = (current, "") if editing else (None, posted.form_id)
        return _form_page(request, user, csrf, form, record=record, form_id=form_id, **shown)

    errors, props = check(form)
    label_status = 422
    try:
        if len(form.label) > MAX_LABEL:
            errors["label"] = f"A label has at most {MAX_LABEL} characters."
        else:
            records.assignable_label(cell, user, form.label)
    except SubmitError as exc:
        errors["label"] = f"{exc.reason}."
        label_status = _LABEL_STATUS.get(exc.kind, 422)
    if errors:
        status = label_status if list(errors) == ["label"] else 422
        return again(errors=errors, error="Nothing was stored.", status=status)
    keep = kept(current.entity.get("properties", {})) if editing and current else {}
    body = entity(entity_id, props, keep)
    if posted.action == "check":
        try:
            profile = entities.validate(body, "record").profile
        except EntityError as exc:
            return again(error=f"{exc.reason}. Nothing was screened.", status=422)
        return again(found=_candidates(request, user, profile, current.id if current else None))
    try:
        (saved,) = records.submit(
            cell, user, [body], form.label, form.discoverable, form.disclose_holder, path=f"POST {request.url.path}"
        )
    except SubmitError as exc:
        # The checks above are the store's own; this is a record refused whole (no name left...).
        message = f"{exc.reason}. Nothing was stored."
        return again(error=message, status=_LABEL_STATUS.get(exc.kind, 422))
    found = _candidates(request, user, saved.profile, saved.id)
    unchanged = current is not None and saved.version == current.version
    return render(
        request,
        "fighters_record_saved.html",
        user=user,
        csrf=csrf,
        labels=[saved.label, *(r["label"] for r in found["results"])],
        saved=saved,
        names=names_of(saved.entity.get("properties", {})),
        unchanged=unchanged,
        found=found,
        threshold=ftf_v2.THRESHOLD,
        rfi_label=DEFAULT_RFI_LABEL,
        priorities=rfis.PRIORITIES,
        state_titles=STATE_TITLES,
        may_link=user.role in review.DECIDERS,
    )


@router.post(LINK)
def link(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    record: Annotated[str, Form()] = "",
    candidate: Annotated[str, Form()] = "",
) -> Response:
    """Confirm that a saved record and a candidate are the same person (as the review queue confirms a link)."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, NEW)
    if not record or not candidate or len(record) > 200 or len(candidate) > 200:
        raise Refused(422, "Link refused", "Both records of the link must be named.", NEW, "Enter a new record")
    try:
        review.decide(cell_of(request), user, record, candidate, "confirm", path=f"POST {LINK}")
    except ReviewError as exc:
        titles = {"not_found": "No such record", "forbidden": "Not for your role"}
        title = titles.get(exc.kind, "Link refused")
        raise Refused(_REVIEW_STATUS[exc.kind], title, exc.reason, NEW, "Enter a new record") from None
    return RedirectResponse(f"/fighters/persons/{quote(record, safe='')}", status_code=303)
