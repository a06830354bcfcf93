"""Exchange pages: search with facets, one object with its relationships, and the relationship graph.

Every read goes through the same domain functions as the REST API (``exchange.search.search``,
``exchange.reading``), which filter per viewer in SQL and serve bodies without the portions the
viewer may not read; every response audits exactly what it released. On an object page a
relationship is shown only when the object at its other end is readable too; a sighting, report
or other readable object that refers to the page's object is shown whatever else it references
(only its name and id appear, never its other references). In the graph a connection is drawn
only when both of its ends are readable. An object that is missing or unreadable answers the
same 404 page. Banners carry the dominant label of everything a page displays. Bad form input
answers the page itself with its reason (422), never an API-style JSON error.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.api.routes.objects import record_release
from intelcell.domain import stix_time
from intelcell.domain.stix_time import shown, stored
from intelcell.exchange import reading, reports
from intelcell.exchange.reading import Shown
from intelcell.exchange.search import SearchQuery, search
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.markdown import render_markdown
from intelcell.web.render import DATA_HEADERS, Refused, render, session_of
from intelcell.web.session import current_session

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

#: Results listed per search page (facets count every readable match, up to the search's window).
RESULTS_SHOWN = 100
#: Newest readable objects the graph is built from, and the most nodes it draws (kept fast).
GRAPH_WINDOW = 3000
GRAPH_NODES = 300
#: Hops around a focused object.
FOCUS_HOPS = 2
#: Properties the object page shows in its header rather than in the property list.
_HEADER_PROPS = {"type", "id", "spec_version", "created", "modified", "object_marking_refs", "granular_markings"}
#: What the graph does not draw as a node: connections and markings.
_NOT_NODES = {"relationship", "marking-definition", "extension-definition", "language-content"}
_GROUP_LEVELS = {"team", "organization", "government", "club", "contest"}
_EVENTS = {"report", "sighting", "indicator", "observed-data", "note", "opinion", "grouping", "incident"}
#: Longest accepted search input: words, a date or time, a facet value (a label may be long), and how
#: many values of each facet can be ticked at once.
MAX_QUERY, MAX_DATE, MAX_VALUE, MAX_LABEL = 500, 40, 200, 500
MAX_TYPES, MAX_MEMBERS, MAX_LABELS = 64, 64, 512
#: Years the search's date bounds accept (the stored form needs four digits, also a microsecond earlier).
FIRST_YEAR, LAST_YEAR = 1900, 9999
STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: Longest object id the object page and the graph look up (longer ones are not found).
MAX_ID = 200
NOT_FOUND = "There is no object with this id that you may read. Check the link, or search for the object."


# -- search -----------------------------------------------------------------------------------------


def _day(value: str, name: str, end: bool) -> str | None:
    """A date (``YYYY-MM-DD``) or STIX timestamp from the search form, in stored form.

    Raises ValueError with a message for the page; ``end`` makes a date include its whole day.
    """
    value = value.strip()
    if not value:
        return None
    problem = f"{name}: '{value}' is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ)"
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        try:
            moment = day + timedelta(days=1) if end else day
        except OverflowError:
            raise ValueError(f"{name}: {value} is beyond the last date that can be searched") from None
        text = f"{moment.isoformat()}T00:00:00.000000Z"
    else:
        try:
            text = stored(value)
            datetime.strptime(text, STORED_FORMAT)  # the pattern admits month 13 or day 45: the calendar does not
        except ValueError:  # TimestampError is one
            raise ValueError(problem) from None
    if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise ValueError(f"{name}: only years {FIRST_YEAR} to {LAST_YEAR} can be searched")
    return text


def _texts(values: list[str] | None, name: str, most: int, longest: int, upper: bool = False) -> tuple[str, ...]:
    """The distinct, stripped facet values ticked on the form; ValueError for too many or too long."""
    chosen = {(v.strip().upper() if upper else v.strip()) for v in values or [] if v.strip()}
    if len(chosen) > most:
        raise ValueError(f"{name}: at most {most} values can be chosen")
    if any(len(v) > longest for v in chosen):
        raise ValueError(f"{name}: a value is longer than {longest} characters")
    return tuple(sorted(chosen))


def _month_range(month: str) -> tuple[str, str]:
    """First and last day of ``YYYY-MM`` as form dates."""
    first = date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first.isoformat(), (following - timedelta(days=1)).isoformat()


@dataclass
class Facet:
    """One facet value: its text, how many readable matches have it, whether it is selected."""

    value: str
    count: int
    selected: bool


def _facets(found: dict[str, int], selected: Iterable[str]) -> list[Facet]:
    """Facet values with counts; selected values stay listed (count 0) so they can be unticked."""
    chosen = set(selected)
    out = [Facet(value, count, value in chosen) for value, count in found.items()]
    out += [Facet(value, 0, True) for value in sorted(chosen - found.keys())]
    return out


@router.get("/search")
def search_page(
    request: Request,
    q: str = "",
    type: Annotated[list[str] | None, Query()] = None,
    member: Annotated[list[str] | None, Query()] = None,
    label: Annotated[list[str] | None, Query()] = None,
    added_from: Annotated[str, Query(alias="from")] = "",
    added_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    """Full-text search with facets over the objects the user may read, newest first.

    Parameters are taken as plain text and checked here, so bad input answers this page with its
    reason (422), never an API-style JSON error.
    """
    user, csrf = session_of(request)
    form: dict[str, Any] = {"q": q[:MAX_QUERY], "from": added_from[:MAX_DATE], "to": added_to[:MAX_DATE]}
    form |= {"types": (), "members": (), "labels": ()}
    try:
        if len(q) > MAX_QUERY:
            raise ValueError(f"Words: at most {MAX_QUERY} characters")
        if len(added_from) > MAX_DATE or len(added_to) > MAX_DATE:
            raise ValueError("Added from and Added to take a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ)")
        types = _texts(type, "Type", MAX_TYPES, MAX_VALUE)
        members = _texts(member, "Originator", MAX_MEMBERS, MAX_VALUE, upper=True)
        labels = _texts(label, "Label", MAX_LABELS, MAX_LABEL)
        form |= {"types": types, "members": members, "labels": labels}
        after = _day(added_from, "Added from", end=False)
        before = _day(added_to, "Added to", end=True)
        if after and before and after >= before:
            raise ValueError("Added from must be before Added to")
        # The API's added_after is exclusive; a whole day starts at midnight, so step back a microsecond.
        added_after = stix_time.after(after, -1) if after else None
    except (ValueError, OverflowError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "Added from: this date cannot be searched"
        context: dict[str, Any] = {"form": form, "error": message, "rows": [], "facets": None, "searched": True}
        return render(request, "search.html", user=user, csrf=csrf, status=422, **context)
    query = SearchQuery(
        text=q,
        types=types,
        members=members,
        labels=labels,
        added_after=added_after,
        added_before=before,
        limit=RESULTS_SHOWN,
    )
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = search(cell, conn, user, query)
    record_release(request, user, [Shown(v, lab, body) for v, lab, body in found.results], "search")
    rows = [
        {
            "id": v.stix_id,
            "type": v.type,
            "name": object_name(v.type, body),
            "originator": v.originator,
            "label": lab,
            "added": shown(v.date_added)[:16].replace("T", " "),
        }
        for v, lab, body in found.results
    ]
    facets = {
        "type": _facets(found.facets.get("type", {}), types),
        "member": _facets(found.facets.get("member", {}), members),
        "label": _facets(found.facets.get("label", {}), labels),
    }
    months = [(month, count, _search_url(form, month)) for month, count in found.facets.get("month", {}).items()]
    return render(
        request,
        "search.html",
        user=user,
        csrf=csrf,
        labels=[row["label"] for row in rows],
        form=form,
        error=None,
        rows=rows,
        facets=facets,
        months=months,
        total=found.total,
        complete=found.complete,
        searched=bool(q or types or members or labels or after or before),
    )


def _search_url(form: dict[str, Any], month: str) -> str:
    """The search of ``form`` limited to ``month`` (a facet link)."""
    first, last = _month_range(month)
    params: list[tuple[str, str]] = [("q", form["q"])] if form["q"] else []
    params += [("type", t) for t in form["types"]] + [("member", m) for m in form["members"]]
    params += [("label", lab) for lab in form["labels"]] + [("from", first), ("to", last)]
    return "/search?" + urlencode(params)


def object_name(kind: str, body: dict[str, Any]) -> str:
    """What to call an object: its name, else a short description of it."""
    name = body.get("name")
    if isinstance(name, str) and name.strip():
        return name
    if kind == "relationship":
        return str(body.get("relationship_type", "relationship"))
    if kind == "sighting":
        return f"Sighting ({body.get('count', 1)}×)"
    value = body.get("value")
    if isinstance(value, str):
        return value
    return f"{kind} {str(body.get('id', ''))[-12:]}"


# -- one object ---------------------------------------------------------------------------------------


@dataclass
class Link:
    """One connection shown on an object page: what connects, and the readable object at the other end."""

    kind: str  # relationship type or reference property
    direction: str  # "out" (this object points at the other) or "in"
    other: Shown
    via: Shown | None = None  # the relationship object, when there is one


@dataclass
class ObjectView:
    """Everything the object page shows, each piece already read for the viewer."""

    shown: Shown
    props: list[tuple[str, str, bool, list[str]]] = field(default_factory=list)  # name, text, is_json, portions
    links: list[Link] = field(default_factory=list)

    def labels(self) -> list[str]:
        """Every label the page displays (the object, its portions, each link and its other end)."""
        out = [self.shown.label] + [lab for _n, _t, _j, portions in self.props for lab in portions]
        for link in self.links:
            out.append(link.other.label)
            if link.via is not None:
                out.append(link.via.label)
        return out

    def released(self) -> list[Shown]:
        """The objects other than this one that the page shows (for the audit trail)."""
        seen: dict[str, Shown] = {}
        for link in self.links:
            for item in (link.other, link.via):
                if item is not None:
                    seen.setdefault(item.version.stix_id, item)
        seen.pop(self.shown.version.stix_id, None)
        return list(seen.values())


def _object_view(request: Request, user: User, stix_id: str) -> ObjectView | None:
    """The object page's content for ``user``, or None when the object is missing or unreadable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        main = reading.latest(cell, conn, user, stix_id)
        if main is None:
            return None
        portions = reading.visible_portions(cell, conn, user, main.version)
        referring = reading.referring(cell, conn, user, stix_id)
        wanted = [ref for _k, ref in reading.references(main.body)]
        wanted += [ref for r in referring if r.version.type == "relationship" for _k, ref in reading.references(r.body)]
        readable = reading.latest_of(cell, conn, user, [w for w in wanted if w != stix_id])
    readable[stix_id] = main
    view = ObjectView(main)
    refs_by_prop: dict[str, list[str]] = {}
    for key, ref in reading.references(main.body):
        if ref in readable and ref != stix_id:
            refs_by_prop.setdefault(key, []).append(ref)
            view.links.append(Link(key, "out", readable[ref]))
    for key, value in main.body.items():
        if key in _HEADER_PROPS or key in ("object_marking_refs", "created_by_ref"):
            continue
        own = [text for selector, text in portions.items() if selector == key or selector.startswith(key + ".")]
        if key.endswith(("_ref", "_refs")):
            # References are shown as links to readable objects only; an unreadable one is left out.
            if key in refs_by_prop:
                names = ", ".join(object_name(readable[r].version.type, readable[r].body) for r in refs_by_prop[key])
                view.props.append((key, names, False, sorted(set(own))))
            continue
        if isinstance(value, str | int | float | bool):
            view.props.append((key, str(value), False, sorted(set(own))))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            view.props.append((key, ", ".join(value), False, sorted(set(own))))
        else:
            view.props.append((key, json.dumps(value, indent=2, ensure_ascii=False), True, sorted(set(own))))
    for other in referring:
        if other.version.type == "relationship":
            source, target = other.body.get("source_ref"), other.body.get("target_ref")
            far, direction = (target, "out") if source == stix_id else (source, "in")
            if isinstance(far, str) and far in readable:
                view.links.append(
                    Link(str(other.body.get("relationship_type", "related-to")), direction, readable[far], other)
                )
        else:
            prop = next(key for key, ref in reading.references(other.body) if ref == stix_id)
            view.links.append(Link(prop, "in", other))
    return view


@router.get("/objects/{stix_id}")
def object_page(request: Request, stix_id: str) -> Response:
    """The newest readable version of one object, its properties and its readable relationships."""
    user, csrf = session_of(request)
    view = _object_view(request, user, stix_id) if len(stix_id) <= MAX_ID else None
    if view is None:
        raise Refused(404, "Object not found", NOT_FOUND, "/search", "Back to search")
    # One entry for the whole page: the object first, then every related object shown beside it, so
    # the trail is complete and no entry of its own singles out a related object's presence.
    record_release(request, user, [view.shown, *view.released()], "object.read")
    body, version = view.shown.body, view.shown.version
    header = {
        "id": version.stix_id,
        "type": version.type,
        "name": object_name(version.type, body),
        "label": view.shown.label,
        "originator": version.originator,
        "created": body.get("created", ""),
        "modified": body.get("modified", ""),
        "added": shown(version.date_added),
    }
    links = [
        {
            "kind": link.kind,
            "direction": link.direction,
            "id": link.other.version.stix_id,
            "type": link.other.version.type,
            "name": object_name(link.other.version.type, link.other.body),
            "label": link.other.label,
            "via_id": link.via.version.stix_id if link.via else None,
            "via_label": link.via.label if link.via else None,
        }
        for link in view.links
    ]
    return render(
        request,
        "object.html",
        user=user,
        csrf=csrf,
        labels=view.labels(),
        obj=header,
        props=view.props,
        links=links,
        markdown=_markdown(version.type, body),
        versions=_versions(request, user, view),
        may_revise=version.type == "report" and _may_revise(request, user, version.stix_id),
        may_link=version.type in reports.LINKABLE_TYPES,
    )


#: Properties written in Markdown, by object type: shown rendered (safely) rather than as text.
_MARKDOWN = {"report": "description", "note": "content", "opinion": "explanation"}


def _markdown(kind: str, body: dict[str, Any]) -> dict[str, Markup]:
    """The object's Markdown property rendered, by property name (none for other types)."""
    name = _MARKDOWN.get(kind)
    value = body.get(name) if name else None
    return {name: render_markdown(value)} if name and isinstance(value, str) else {}


def _versions(request: Request, user: User, view: ObjectView) -> list[dict[str, str]]:
    """Every version of the object the caller may read, newest first, with its change note if readable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        rows = reading.readable_versions(cell, conn, user, view.shown.version.stix_id)
    report = view.shown.version
    notes = {}
    for link in view.links:
        note = link.other
        created = note.body.get("created")
        # Only the note the version's own publisher wrote with it (its id derives from the version):
        # anyone may write a note about a report, and none may pass for its change note.
        own = note.version.type == "note" and note.version.originator == report.originator
        if own and isinstance(created, str) and note.version.stix_id == reports.change_note_id(report.stix_id, created):
            notes[stored(created)] = str(note.body.get("content", ""))
    unique = sorted({r.version for r in rows}, reverse=True)
    return [{"version": shown(v), "note": notes.get(v, "")} for v in unique]


def _may_revise(request: Request, user: User, stix_id: str) -> bool:
    """Whether the page offers a new version: the caller's member wrote it and they see it whole."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        try:
            reports.editable(cell, conn, user, stix_id)
        except reports.NotEditable:
            return False
    return True


# -- graph --------------------------------------------------------------------------------------------


def node_kind(kind: str, body: dict[str, Any]) -> str:
    """The graph's colour class of an object: person, group, location, event or other."""
    if kind == "identity":
        return "person" if body.get("identity_class", "individual") == "individual" else "group"
    if kind == "threat-actor":
        return "group" if body.get("resource_level") in _GROUP_LEVELS else "person"
    if kind in ("intrusion-set", "campaign"):
        return "group"
    if kind == "location":
        return "location"
    return "event" if kind in _EVENTS else "other"


@dataclass
class Graph:
    """Nodes and edges built from readable objects only, and what was left out to stay fast."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool
    released: list[Shown]

    def labels(self) -> list[str]:
        """Every label the graph displays."""
        return [s.label for s in self.released]

    def to_json(self) -> dict[str, Any]:
        """The graph as graph.js reads it."""
        return {"nodes": self.nodes, "edges": self.edges, "truncated": self.truncated, "cap": GRAPH_NODES}


def build_graph(request: Request, user: User, focus: str | None) -> Graph | None:
    """The graph ``user`` may see (around ``focus`` when given); None when ``focus`` is not readable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        window, more = reading.newest_window(cell, conn, user, GRAPH_WINDOW)
        if focus is not None and not any(s.version.stix_id == focus for s in window):
            centre = reading.latest(cell, conn, user, focus)
            if centre is None:
                return None
            window.append(centre)
    things = {s.version.stix_id: s for s in window if s.version.type not in _NOT_NODES}
    # Every candidate edge: (source, target, kind, the object that states it).
    candidates: list[tuple[str, str, str, Shown]] = []
    for s in window:
        if s.version.type == "relationship":
            source, target = s.body.get("source_ref"), s.body.get("target_ref")
            if isinstance(source, str) and isinstance(target, str):
                candidates.append((source, target, str(s.body.get("relationship_type", "related-to")), s))
        elif s.version.stix_id in things:
            candidates += [(s.version.stix_id, ref, key, s) for key, ref in reading.references(s.body)]
    # A connection whose either end is unreadable is dropped, so it reveals nothing.
    connections = [c for c in candidates if c[0] in things and c[1] in things and c[0] != c[1]]
    if focus is None:
        chosen = list(things)[:GRAPH_NODES]
        truncated = more or len(things) > GRAPH_NODES
    else:
        neighbours: dict[str, set[str]] = {}
        for source, target, _kind, _s in connections:
            neighbours.setdefault(source, set()).add(target)
            neighbours.setdefault(target, set()).add(source)
        # A relationship is not drawn as a node: its neighbourhood is that of its readable ends.
        centre = next(s for s in window if s.version.stix_id == focus)
        seeds = [focus] if focus in things else [ref for _k, ref in reading.references(centre.body) if ref in things]
        distance = dict.fromkeys(seeds, 0)
        queue = deque(seeds)
        while queue:
            here = queue.popleft()
            if distance[here] == FOCUS_HOPS:
                continue
            for there in sorted(neighbours.get(here, ())):
                if there not in distance:
                    distance[there] = distance[here] + 1
                    queue.append(there)
        chosen = list(distance)[:GRAPH_NODES]
        truncated = len(distance) > GRAPH_NODES
    kept = set(chosen)
    nodes = [
        {
            "id": stix_id,
            "type": things[stix_id].version.type,
            "kind": node_kind(things[stix_id].version.type, things[stix_id].body),
            "name": object_name(things[stix_id].version.type, things[stix_id].body),
            "label": things[stix_id].label,
            "focus": stix_id == focus,
        }
        for stix_id in chosen
    ]
    edges, released = [], {stix_id: things[stix_id] for stix_id in chosen}
    for source, target, kind, stated_by in connections:
        if source in kept and target in kept:
            edges.append({"source": source, "target": target, "kind": kind, "label": stated_by.label})
            released.setdefault(stated_by.version.stix_id, stated_by)
    return Graph(nodes, edges, truncated, list(released.values()))


def _focus(value: str) -> str | None:
    return value.strip() or None


def _graph(request: Request, user: User, focus: str | None) -> Graph | None:
    """The graph around ``focus`` (whole when None); None when ``focus`` is too long, missing or unreadable."""
    if focus is not None and len(focus) > MAX_ID:
        return None
    return build_graph(request, user, focus)


@router.get("/graph")
def graph_page(request: Request, focus: str = "") -> Response:
    """The relationship graph of what the user may read (2 hops around ``focus`` when given).

    The page's tables list every node and connection it releases, and it audits them; graph.js then
    fetches /graph/data.json, a separate response that audits what it returns in turn.
    """
    user, csrf = session_of(request)
    graph = _graph(request, user, _focus(focus))
    if graph is None:
        raise Refused(404, "Object not found", NOT_FOUND, "/graph", "Back to the whole graph")
    record_release(request, user, graph.released, "graph")
    names = {n["id"]: n["name"] for n in graph.nodes}
    return render(
        request,
        "graph.html",
        user=user,
        csrf=csrf,
        labels=graph.labels(),
        graph=graph,
        names=names,
        focus=_focus(focus),
        cap=GRAPH_NODES,
        hops=FOCUS_HOPS,
        data_url="/graph/data.json" + (f"?{urlencode({'focus': focus.strip()})}" if _focus(focus) else ""),
    )


@router.get("/graph/data.json")
def graph_data(request: Request, focus: str = "") -> JSONResponse:
    """The graph's nodes and edges for graph.js; 401 without a session, 404 alike for missing or unreadable."""
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "no browser session: sign in at /login")
    user = session[0]
    graph = _graph(request, user, _focus(focus))
    if graph is None:
        raise ApiError(404, "not_found", "no such object")
    record_release(request, user, graph.released, "graph")
    return JSONResponse(graph.to_json(), headers=DATA_HEADERS)
