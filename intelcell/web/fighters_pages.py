"""Foreign-terrorist-fighter pages: screening, resolved persons, the review queue and hits on our records.

Every page reads through the same domain functions as the HTTP API (``fighters/screening.py``,
``fighters/resolved.py``, ``fighters/review.py``, ``fighters/hits.py``), which decide access per
record for the signed-in user, and audits what it releases as the API route does. A person that
is unknown and one built only from records the user may not read answer the same 404 page; a
screening hit on a record the user may not read shows only what ``screening.screen`` gives (an
opaque reference, and the holder only when its originator allows).

Screening is a POST with the form token and its results are rendered in the response itself:
it records hits for the holders, so it changes state, yet the results cannot survive a redirect.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.domain.matching import ftf_v2
from intelcell.exchange import rfis
from intelcell.exchange.rfis import RfiError
from intelcell.fighters import hits, resolved, review, saved_screenings, screening
from intelcell.fighters.resolved import NAME_PROPS
from intelcell.fighters.review import ReviewError
from intelcell.fighters.screening import QueryError
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import Refused, render, require_csrf, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

SCREEN_LIMIT = 10  # results shown per screening: an analyst compares a handful, not a ranking of hundreds
PERSONS_PAGE = 50
REVIEW_PAGE = 20
HITS_SHOWN = 100
MAX_FIELD = 300  # a name is at most 300 characters (docs/fighters.md); other fields are shorter
MAX_QUESTION = rfis.MAX_TEXT
DEFAULT_RFI_LABEL = "NATO SECRET // REL TO COALITION"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_STATUS = {"invalid_request": 422, "forbidden": 403, "not_found": 404}
_RFI_STATUS = {"invalid_request": 422, "invalid_label": 422, "label_not_permitted": 403, "forbidden": 403}

#: Person properties in the order a record card shows them (others follow alphabetically).
PROPERTY_ORDER = (
    *NAME_PROPS,
    "firstName",
    "fatherName",
    "lastName",
    "birthDate",
    "birthPlace",
    "deathDate",
    "gender",
    "nationality",
    "citizenship",
    "passportNumber",
    "idNumber",
    "address",
    "status",
    "position",
    "notes",
    "sourceUrl",
)
PROPERTY_TITLES = {
    "name": "Name",
    "alias": "Alias",
    "previousName": "Previous name",
    "weakAlias": "Weak alias",
    "firstName": "First name",
    "fatherName": "Father's name",
    "lastName": "Last name",
    "birthDate": "Born",
    "birthPlace": "Birth place",
    "deathDate": "Died",
    "gender": "Gender",
    "nationality": "Nationality",
    "citizenship": "Citizenship",
    "passportNumber": "Passport",
    "idNumber": "Id number",
    "address": "Address",
    "status": "Status",
    "position": "Position",
    "notes": "Notes",
    "sourceUrl": "Source",
}
DECISION_NOTICES = {
    "confirm": "Link confirmed: the two records now form one person.",
    "reject": "Link rejected: the two records will never be joined, by this or any later run.",
}
STATE_TITLES = {
    "auto": "linked automatically",
    "suggested": "suggested, not reviewed",
    "confirmed": "confirmed by an analyst",
    "rejected": "rejected by an analyst",
}


def _properties(props: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """A record's properties as (title, values) in reading order, names first."""
    order = {name: n for n, name in enumerate(PROPERTY_ORDER)}
    keys = sorted(props, key=lambda k: (order.get(k, len(order)), k))
    return [(PROPERTY_TITLES.get(k, k), [str(v) for v in props[k]]) for k in keys if props[k]]


def names_of(props: dict[str, Any]) -> list[str]:
    """Every name and alias of a record, in the original script."""
    return [str(v) for prop in NAME_PROPS for v in props.get(prop, ())]


# -- screening ---------------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return value.strip()


def _field_errors(form: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """Per-field errors of the screening form, and the yente-style properties to screen when there are none.

    Each optional field is checked on its own (beside a placeholder name) by the same validation
    the API applies, so every wrong field is reported at once rather than the first only.
    """
    errors: dict[str, str] = {}
    for key, value in form.items():
        if len(value) > MAX_FIELD:
            errors[key] = f"At most {MAX_FIELD} characters."
    properties: dict[str, Any] = {}
    fields = (("birth_date", "birthDate"), ("nationality", "nationality"), ("document", "passportNumber"))
    if not form["name"]:
        errors["name"] = "Enter the name to screen (any script)."
    elif "name" not in errors:
        try:
            screening.query_profile({"name": form["name"]})
            properties["name"] = form["name"]
        except QueryError as exc:
            errors["name"] = _reason(exc)
    for key, prop in fields:
        if form[key] and key not in errors:
            try:
                screening.query_profile({"name": "Ali", prop: form[key]})
                properties[prop] = form[key]
            except QueryError as exc:
                errors[key] = _reason(exc)
    return errors, properties


def _reason(exc: QueryError) -> str:
    """A validation refusal without its "query property 'x':" prefix (the form shows it by the field)."""
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("query") and ": " in text else text


def result_row(result: screening.Result) -> dict[str, Any]:
    """One screening result as the result tables show it (names, dates, score and its reasons)."""
    comparison = result.comparison
    props = result.entity.get("properties", {})
    return {
        "id": result.record_id,
        "member": result.member,
        "label": result.label,
        "names": names_of(props),
        "born": props.get("birthDate", []),
        "nationality": props.get("nationality", []),
        "score": comparison.score,
        "match": comparison.match,
        "algorithm": comparison.algorithm,
        "features": [f.to_json() for f in comparison.features if f.value],
    }


def _screen_page(
    request: Request,
    user: User,
    csrf: str,
    form: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    found: screening.Screening | None = None,
    notice: str | None = None,
    status: int = 200,
    run: saved_screenings.Run | None = None,
) -> Response:
    """The screening page; ``run``: a kept screening just run, whose new results are marked."""
    rows = [{**result_row(r), "new": bool(run and r.record_id in run.new)} for r in found.results] if found else []
    cell = cell_of(request)
    with cell.db.read() as conn:
        kept = saved_screenings.listed(conn, user)
    return render(
        request,
        "fighters_screen.html",
        user=user,
        csrf=csrf,
        labels=[r["label"] for r in rows],
        status=status,
        form=form,
        errors=errors or {},
        screened=found is not None,
        results=rows,
        total=found.total if found else 0,
        hits=found.hits if found else [],
        threshold=ftf_v2.THRESHOLD,
        algorithm=ftf_v2.NAME,
        notice=notice,
        rfi_label=DEFAULT_RFI_LABEL,
        priorities=rfis.PRIORITIES,
        kept=kept,
        run=run,
    )


_EMPTY_FORM = {"name": "", "birth_date": "", "nationality": "", "document": ""}


@router.get("/fighters/screen")
def screen_form(request: Request, asked: Annotated[int, Query(ge=0, le=1)] = 0) -> Response:
    """The screening form (and the notice after an RFI was sent to a hit's holder)."""
    user, csrf = session_of(request)
    notice = "Your question went to the holder of the hit; follow it on the RFIs page." if asked else None
    return _screen_page(request, user, csrf, dict(_EMPTY_FORM), notice=notice)


@router.post("/fighters/screen")
def screen(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    birth_date: Annotated[str, Form()] = "",
    nationality: Annotated[str, Form()] = "",
    document: Annotated[str, Form()] = "",
    keep: Annotated[str, Form()] = "",
) -> Response:
    """Screen one person against the records the user may read; hits for the rest, recorded for their holders.

    Bad fields are shown beside the form with a 422 and nothing is screened or recorded.
    """
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/fighters/screen")
    form = {
        "name": _clean(name),
        "birth_date": _clean(birth_date),
        "nationality": _clean(nationality),
        "document": _clean(document),
    }
    errors, properties = _field_errors(form)
    form["keep"] = "1" if keep else ""
    if errors:
        return _screen_page(request, user, expected, form, errors=errors, status=422)
    run = None
    if keep:  # kept for the member to run again (fighters.saved_screenings)
        try:
            run = saved_screenings.screen_and_keep(cell_of(request), user, properties, limit=SCREEN_LIMIT)
        except QueryError as exc:
            return _screen_page(request, user, expected, form, errors={"name": _reason(exc)}, status=422)
        found = run.found
    else:
        profile = screening.query_profile(properties)
        found = screening.screen(cell_of(request), user, {"q": profile}, limit=SCREEN_LIMIT)["q"]
    # Audited as POST /api/v1/match audits: the records released, under their labels.
    record_read(request, user, "person.match", [r.record_id for r in found.results], [r.label for r in found.results])
    return _screen_page(request, user, expected, form, found=found, run=run)


@router.post("/fighters/screenings/rerun")
def rerun_kept(
    request: Request, csrf: Annotated[str, Form()] = "", screening_id: Annotated[str, Form()] = ""
) -> Response:
    """Run one of my member's kept screenings again; results not shown by an earlier run are marked new."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/fighters/screen")
    run = saved_screenings.rerun(cell_of(request), user, screening_id[:64], limit=SCREEN_LIMIT)
    if run is None:
        raise Refused(
            404, "No such screening", "Your member kept no such screening.", "/fighters/screen", "Back to screening"
        )
    found = run.found
    record_read(request, user, "person.match", [r.record_id for r in found.results], [r.label for r in found.results])
    return _screen_page(request, user, expected, dict(_EMPTY_FORM), found=found, run=run)


@router.post("/fighters/screenings/forget")
def forget_kept(
    request: Request, csrf: Annotated[str, Form()] = "", screening_id: Annotated[str, Form()] = ""
) -> Response:
    """Delete one of my member's kept screenings."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/fighters/screen")
    if not saved_screenings.remove(cell_of(request), user, screening_id[:64]):
        raise Refused(
            404, "No such screening", "Your member kept no such screening.", "/fighters/screen", "Back to screening"
        )
    return RedirectResponse("/fighters/screen", status_code=303)


def _ask_page(request: Request, user: User, csrf: str, values: dict[str, str], error: str, status: int) -> Response:
    return render(
        request,
        "fighters_ask.html",
        user=user,
        csrf=csrf,
        status=status,
        values=values,
        error=error,
        priorities=rfis.PRIORITIES,
    )


def _deadline(text: str) -> str:
    """A date from the form's date field as the end of that day in UTC; other text as typed."""
    return f"{text}T23:59:59Z" if _DATE.fullmatch(text) else text


@router.post("/fighters/hits/ask")
def ask_holder(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    ref: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "routine",
) -> Response:
    """Open an RFI to the unnamed holder of a hit (as ``POST /api/v1/hits/{ref}/rfi``); the reference is a form field.

    The reference never travels in a URL. A reference the user's member did not receive is the
    same 404 page whoever received it; a refused question is shown again with its reason.
    """
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/fighters/screen")
    values = {"ref": ref[:200], "question": question, "label": label, "deadline": deadline, "priority": priority}
    if not question.strip():
        return _ask_page(request, user, expected, values, "Write the question for the holder.", 422)
    if len(question) > MAX_QUESTION or len(label) > 1000 or len(deadline) > 64:
        return _ask_page(request, user, expected, values, "The question or label is too long.", 422)
    try:
        hits.ask_holder(
            cell_of(request),
            user,
            ref[:200],
            question=question,
            label=label,
            deadline=_deadline(deadline.strip()),
            priority=priority,
            path="POST /fighters/hits/ask",
        )
    except RfiError as exc:
        if exc.kind == "not_found":
            message = "No hit with this reference was given to your member. Screen the person again."
            raise Refused(404, "No such hit", message, "/fighters/screen", "Back to screening") from None
        return _ask_page(request, user, expected, values, exc.reason, _RFI_STATUS.get(exc.kind, 422))
    return RedirectResponse("/fighters/screen?asked=1", status_code=303)


# -- resolved persons ----------------------------------------------------------------------------------------


@router.get("/fighters/persons")
def persons_list(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    single: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """Persons made of the records the user may read (two records or more, or every record), by id."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    with cell.db.read() as conn:
        found, total = resolved.persons_of(
            cell, conn, user, limit=PERSONS_PAGE, offset=offset, min_records=1 if single else 2
        )
    ids = [rid for person in found for rid in person["records"]]
    labels = [text for person in found for text in person.pop("labels")]
    record_read(request, user, "person.resolved.list", ids, labels)
    base = "/fighters/persons?" + ("single=1&" if single else "")
    return render(
        request,
        "fighters_persons.html",
        user=user,
        csrf=csrf,
        labels=labels,
        persons=found,
        total=total,
        offset=offset,
        shown_to=offset + len(found),
        previous=f"{base}offset={max(offset - PERSONS_PAGE, 0)}" if offset > 0 else None,
        next=f"{base}offset={offset + PERSONS_PAGE}" if offset + PERSONS_PAGE < total else None,
        single=bool(single),
    )


def _not_found(any_id: str) -> Refused:
    """The one page for a person that is unknown or that the user may not read."""
    return Refused(
        404,
        "No such person",
        f"There is no person '{any_id[:200]}' you may read.",
        "/fighters/persons",
        "Back to the persons",
    )


@router.get("/fighters/persons/{any_id}")
def person_page(any_id: str, request: Request) -> Response:
    """A person rebuilt from the records the user may read: records, aliases across scripts, links explained."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    with cell.db.read() as conn:
        person = resolved.person_view(cell, conn, user, any_id) if len(any_id) <= 300 else None
    if person is None:
        raise _not_found(any_id)
    shown = person["records"]
    record_read(request, user, "person.resolved.read", [r["id"] for r in shown], [r["label"] for r in shown])
    for record in shown:
        record["shown"] = _properties(record["properties"])
        record["names"] = names_of(record["properties"])
    for group in person["aliases"]:
        for entry in group["names"]:
            entry["script_title"] = entry["script"].title()
    caption = next((n for r in shown for n in r["names"]), person["id"])
    return render(
        request,
        "fighters_person.html",
        user=user,
        csrf=csrf,
        labels=[r["label"] for r in shown],
        person=person,
        caption=caption,
        state_titles=STATE_TITLES,
        threshold=ftf_v2.THRESHOLD,
    )


# -- review queue ------------------------------------------------------------------------------------------------


def _side(side: dict[str, Any]) -> dict[str, Any]:
    return {**side, "shown": _properties(side["properties"])}


@router.get("/fighters/review")
def review_page(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    decided: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """Suggested links whose two records the user may read, strongest first, side by side, to confirm or reject."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    with cell.db.read() as conn:
        page = review.queue(cell, conn, user, limit=REVIEW_PAGE, offset=offset)
    sides = [item[side] for item in page.items for side in ("a", "b")]
    record_read(request, user, "person.review.list", [s["id"] for s in sides], [s["label"] for s in sides])
    items = [{**item, "a": _side(item["a"]), "b": _side(item["b"])} for item in page.items]
    notice = DECISION_NOTICES.get(decided)
    return render(
        request,
        "fighters_review.html",
        user=user,
        csrf=csrf,
        labels=[s["label"] for s in sides],
        items=items,
        total=page.total,
        offset=offset,
        shown_to=offset + len(items),
        previous=f"/fighters/review?offset={max(offset - REVIEW_PAGE, 0)}" if offset > 0 else None,
        next=f"/fighters/review?offset={offset + REVIEW_PAGE}" if offset + REVIEW_PAGE < page.total else None,
        notice=notice,
        may_decide=user.role in review.DECIDERS,
        threshold=ftf_v2.THRESHOLD,
    )


@router.post("/fighters/review/decide")
def decide(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    a: Annotated[str, Form()] = "",
    b: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
) -> Response:
    """Confirm or reject a link (as ``POST /api/v1/review/decisions``), then back to the queue with a notice."""
    user, expected = session_of(request)
    require_csrf(expected, csrf, "/fighters/review")
    if not a or not b or len(a) > 200 or len(b) > 200:
        message = "Both records of the link must be named."
        raise Refused(422, "Decision refused", message, "/fighters/review", "Back to the review queue")
    try:
        review.decide(cell_of(request), user, a, b, decision, path="POST /fighters/review/decide")
    except ReviewError as exc:
        titles = {"not_found": "No such record", "forbidden": "Not for your role"}
        title = titles.get(exc.kind, "Decision refused")
        raise Refused(_STATUS[exc.kind], title, exc.reason, "/fighters/review", "Back to the review queue") from None
    return RedirectResponse(f"/fighters/review?decided={decision}", status_code=303)


# -- hits on our records -------------------------------------------------------------------------------------------


@router.get("/fighters/hits")
def hits_page(request: Request) -> Response:
    """Queries of other members that hit my member's records (those I may read), newest first."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = hits.hits_on_records(cell, conn, user, HITS_SHOWN)
        labels = hits.record_labels(cell, conn, user, found)
    rows = [{"hit": h, "label": labels.get(h.record_id), "readable": h.record_id in labels} for h in found]
    return render(
        request,
        "fighters_hits.html",
        user=user,
        csrf=csrf,
        labels=labels.values(),
        rows=rows,
        limit=HITS_SHOWN,
    )
