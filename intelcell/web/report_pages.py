"""The report composer: write a report in Markdown, link objects, label portions, preview, publish.

Publishing and new versions go through ``exchange.reports`` and so through ingest, the TAXII write
path: the labels a user may assign, the collection's release limit and the audit entry are those
of any other write. The preview shows the report exactly as ``exchange.reports.preview`` computes
a chosen member's analyst would be served it (a test holds it equal to what such a user then
reads). Linking offers only objects the author may read, found through the search every page
uses; an id the author may not read is refused in the words used for an id that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.api.routes.objects import record_release
from intelcell.cell import Cell
from intelcell.domain.label import NATO_LEVELS, LabelError
from intelcell.domain.policy import Viewer, parse_clearance
from intelcell.exchange import collections, reading, reports
from intelcell.exchange.reading import Shown
from intelcell.exchange.reports import Draft, DraftError
from intelcell.exchange.search import SearchQuery, search
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.exchange_pages import object_name
from intelcell.web.markdown import render_markdown
from intelcell.web.picker import readers_hint, usable_labels
from intelcell.web.render import DATA_HEADERS, Refused, render, require_csrf, session_of
from intelcell.web.session import current_session

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

SUGGESTED_LABELS = (
    "NATO UNCLASSIFIED",
    "NATO RESTRICTED // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO COALITION",
    "NATO SECRET // REL TO COALITION",
    "NATO SECRET // REL TO AUS, GBR, USA",
    "NATO SECRET",
)
#: Objects the link finder offers per query.
LINK_RESULTS = 20
MAX_QUERY = 200
NOT_FOUND = "There is no report at this address for you."


class ReportForm(BaseModel):
    """The composer's fields as sent, kept on a refusal so nothing the analyst wrote is lost."""

    csrf: str = Field(default="", max_length=200)
    action: str = Field(default="publish", max_length=20)
    collection: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=reports.MAX_BODY + 1000)
    report_types: list[str] = Field(default_factory=list, max_length=40)
    keywords: str = Field(default="", max_length=4000)
    sources: str = Field(default="", max_length=70000)
    links: str = Field(default="", max_length=20000)
    label: str = Field(default="", max_length=1000)
    portion_description: str = Field(default="", max_length=1000)
    portion_labels: str = Field(default="", max_length=1000)
    portion_external_references: str = Field(default="", max_length=1000)
    change_note: str = Field(default="", max_length=4000)
    preview_member: str = Field(default="", max_length=16)
    preview_clearance: str = Field(default="NATO SECRET", max_length=64)

    def draft(self) -> Draft:
        """The draft the fields describe."""
        portions = {name: getattr(self, f"portion_{name}").strip() for name in reports.PORTION_FIELDS}
        return Draft(
            title=self.title,
            body=self.body,
            report_types=tuple(self.report_types),
            keywords=tuple(k.strip() for k in self.keywords.split(",") if k.strip()),
            sources=tuple(s.strip() for s in self.sources.splitlines() if s.strip()),
            links=tuple(dict.fromkeys(i for i in self.links.replace(",", " ").split() if i)),
            label=self.label.strip(),
            portions={name: text for name, text in portions.items() if text},
            change_note=self.change_note,
        )

    @classmethod
    def of(cls, draft: Draft) -> ReportForm:
        """The fields showing an existing draft."""
        return cls(
            title=draft.title,
            body=draft.body,
            report_types=list(draft.report_types),
            keywords=", ".join(draft.keywords),
            sources="\n".join(draft.sources),
            links="\n".join(draft.links),
            label=draft.label,
            **{f"portion_{name}": text for name, text in draft.portions.items()},
        )


def _writable(cell: Cell, user: User) -> list[tuple[collections.Collection, bool]]:
    """Collections the user may add to, with whether they may read them too: those first, by title."""
    with cell.db.read() as conn:
        found = collections.all_collections(conn, cell)
    usable = [(c, c.can_read(user, cell)) for c in found if c.can_write(user, cell)]
    return sorted(usable, key=lambda pair: (not pair[1], pair[0].title))


def _linked(cell: Cell, user: User, ids: list[str]) -> list[Shown]:
    """The linked objects the author may read, in the draft's order."""
    with cell.db.read() as conn:
        found = reading.latest_of(cell, conn, user, ids)
    return [found[i] for i in ids if i in found]


def _preview(cell: Cell, user: User, form: ReportForm) -> dict[str, Any] | None:
    """What the chosen member's analyst would be served, for the page; None when nothing is asked."""
    member = form.preview_member
    if not member:
        return None
    if member not in cell.registry.members:
        return {"error": "Choose a member to preview as."}
    try:
        clearance = parse_clearance(form.preview_clearance)
    except LabelError:
        return {"error": "Choose a clearance to preview with."}
    with cell.db.read() as conn:
        checked = reports.check(cell, conn, user, form.draft())
    objects = reports.envelope(checked, "report--00000000-0000-4000-8000-000000000000", "now", "now")
    shown = reports.preview(objects, user.member, Viewer(member, clearance), cell)
    who = f"An analyst of {cell.registry.members[member].name} cleared {clearance.text()} without caveats"
    if shown is None:
        return {"who": who, "sees": False}
    return {
        "who": who,
        "sees": True,
        "title": shown.get("name", ""),
        "body": render_markdown(shown["description"]) if "description" in shown else None,
        "keywords": shown.get("labels"),
        "sources": [r["url"] for r in shown.get("external_references", [])] if "external_references" in shown else None,
        "links": [(i, _title(checked.linked[i])) for i in shown.get("object_refs", [])],
        "hidden_links": len(checked.draft.links) - len(shown.get("object_refs", [])),
    }


def _title(shown: Shown) -> str:
    return object_name(shown.version.type, shown.body)


def _composer(
    request: Request,
    user: User,
    csrf: str,
    form: ReportForm,
    errors: dict[str, str],
    *,
    report_id: str | None = None,
    status: int = 200,
) -> Response:
    cell = cell_of(request)
    links = [i for i in form.draft().links if len(i) <= 300]
    linked = _linked(cell, user, links)
    record_release(request, user, linked, "object.read")
    preview = None
    if not errors:
        try:
            preview = _preview(cell, user, form)
        except DraftError as exc:
            errors, status = exc.errors, 422
    draft = form.draft()
    labels = [s.label for s in linked] + [t for t in (draft.label, *draft.portions.values()) if _usable(cell, user, t)]
    members = sorted(cell.registry.members.values(), key=lambda m: m.name)
    return render(
        request,
        "report_compose.html",
        user=user,
        csrf=csrf,
        labels=labels,
        status=status,
        form=form.model_dump(exclude={"csrf", "action"}),
        errors=errors,
        report_id=report_id,
        collections=_writable(cell, user) if report_id is None else [],
        report_types=reports.REPORT_TYPES,
        portion_fields=reports.PORTION_FIELDS,
        linked=[(s.version.stix_id, object_name(s.version.type, s.body), s.version.type, s.label) for s in linked],
        label_options=usable_labels(cell, user, SUGGESTED_LABELS),
        readers=readers_hint(cell, user, form.label),
        members=members,
        clearances=[f"NATO {level}" for level in NATO_LEVELS],
        preview=preview,
    )


def _usable(cell: Cell, user: User, text: str) -> bool:
    """Whether ``text`` is a label the user may assign (only such labels may raise the banner)."""
    return bool(text) and not readers_hint(cell, user, text).refused


@router.get("/reports/new")
def composer(request: Request, link: str = "") -> Response:
    """An empty composer (``link`` pre-fills one object to link, from an object page)."""
    user, csrf = session_of(request)
    return _composer(request, user, csrf, ReportForm(links=link[:300], report_types=["threat-report"]), {})


@router.post("/reports")
def publish(request: Request, form: Annotated[ReportForm, Form()]) -> Response:
    """Preview the draft, or publish it as a new report (the composer again with reasons, 422)."""
    user, expected = session_of(request)
    require_csrf(expected, form.csrf, "/reports/new")
    if form.action == "preview":
        return _composer(request, user, expected, form, {})
    cell = cell_of(request)
    with cell.db.read() as conn:
        target = collections.get(conn, cell, form.collection)
    if target is None or not target.can_write(user, cell):
        return _composer(
            request, user, expected, form, {"collection": "Choose a collection you may add to."}, status=422
        )
    try:
        done = reports.publish(cell, user, target, form.draft(), "POST /reports")
    except DraftError as exc:
        return _composer(request, user, expected, form, exc.errors, status=422)
    return RedirectResponse(f"/objects/{done.id}", status_code=303)


def _editable(cell: Cell, user: User, report_id: str) -> tuple[Shown, dict[str, str]]:
    """The version to revise and its visible portions; the page's refusal otherwise."""
    with cell.db.read() as conn:
        try:
            shown = reports.editable(cell, conn, user, report_id)
        except reports.NotEditable as exc:
            if exc.missing:
                raise Refused(404, "Report not found", NOT_FOUND, "/search", "Back to search") from None
            raise Refused(403, "Not allowed", str(exc), f"/objects/{report_id}", "Back to the report") from None
        return shown, reading.visible_portions(cell, conn, user, shown.version)


@router.get("/reports/{report_id}/edit")
def edit(request: Request, report_id: str) -> Response:
    """The composer filled with the newest version, to publish a new one with a change note."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    shown, portions = _editable(cell, user, report_id[:300])
    record_release(request, user, [shown], "object.read")
    form = ReportForm.of(reports.draft_of(shown, portions))
    return _composer(request, user, csrf, form, {}, report_id=shown.version.stix_id)


@router.post("/reports/{report_id}")
def revise(request: Request, report_id: str, form: Annotated[ReportForm, Form()]) -> Response:
    """Preview the revised draft, or publish it as the report's new version."""
    user, expected = session_of(request)
    report_id = report_id[:300]
    require_csrf(expected, form.csrf, f"/reports/{report_id}/edit")
    cell = cell_of(request)
    _editable(cell, user, report_id)
    if form.action != "preview":
        try:
            reports.revise(cell, user, report_id, form.draft(), "POST /reports/{report_id}")
        except DraftError as exc:
            return _composer(request, user, expected, form, exc.errors, report_id=report_id, status=422)
        return RedirectResponse(f"/objects/{report_id}#versions", status_code=303)
    return _composer(request, user, expected, form, {}, report_id=report_id)


@router.get("/reports/linkable.json")
def linkable(request: Request, q: str = "") -> JSONResponse:
    """Objects the caller may read and link, matching ``q`` (the composer's link finder)."""
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "no browser session: sign in at /login")
    user = session[0]
    if not q.strip() or len(q) > MAX_QUERY:
        raise ApiError(422, "invalid_query", f"a query is 1 to {MAX_QUERY} characters")
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = search(cell, conn, user, SearchQuery(text=q, types=reports.LINKABLE_TYPES, limit=LINK_RESULTS))
    shown = [Shown(version, label, body) for version, label, body in found.results]
    record_release(request, user, shown, "search")
    items = [
        {"id": s.version.stix_id, "type": s.version.type, "name": object_name(s.version.type, s.body), "label": s.label}
        for s in shown
    ]
    return JSONResponse({"objects": items}, headers=DATA_HEADERS)
