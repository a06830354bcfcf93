"""The resolved person as one viewer sees it: built only from the records that viewer may read.

A stored cluster (``person_clusters``) depends on every member's records, so it is never shown
as it is: two records a viewer reads may sit in one cluster only through a third they may not
read, and a rejection between hidden records may keep apart two they read. A viewer's person is
therefore rebuilt from the records they read and the links *between those records* alone, with
the clustering rule of the batch (``resolution.components``: confirmed links, then auto links by
score, never across a rejection). A viewer who reads every record sees exactly the stored cluster;
one who reads fewer sees persons that contain nothing else, not even a hint of what is hidden.

A person is named after its smallest record id (``person-FRA-ftf-1``): a name derived from the
whole cluster would itself reveal, by changing or by not matching, that a hidden record belongs.
`person_view` also accepts any readable record id, and answers None (404) alike for an unknown
id and for records the caller may not read. Its label is the dominant label (DESIGN.md section 2)
of the readable records only.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Connection, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import Label, parse
from intelcell.domain.names import analyse, name_similarity
from intelcell.fighters import records
from intelcell.fighters.resolution import LINKED_STATES, Edge, components, links_of
from intelcell.fighters.review import decided_by, link_json, readable_pair
from intelcell.store.labels import Readable
from intelcell.store.schema import person_links, persons
from intelcell.store.users import User

PREFIX = "person-"
MAX_RECORDS = 500  # records gathered into one person view; more is flagged ``truncated``
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
ALIAS_SIMILARITY = 0.8  # names at least this alike are shown as one alias group
MAX_LIMIT = 200
_CHUNK = 500


def person_id(record_ids: Iterable[str]) -> str:
    """The id of the person made of these records (as one viewer sees it)."""
    return PREFIX + min(record_ids)


def _record_id(any_id: str) -> str:
    return any_id[len(PREFIX) :] if any_id.startswith(PREFIX) else any_id


def _readable_rows(conn: Connection, readable: Readable, member: str, ids: Iterable[str]) -> dict[str, Any]:
    """Current versions of ``ids`` the viewer may read."""
    wanted = sorted(set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(persons).where(
            persons.c.id.in_(wanted[start : start + _CHUNK]),
            persons.c.is_current,
            records.visible(readable, member),
        )
        found.update({row.id: row for row in conn.execute(query)})
    return found


def _links_among(conn: Connection, ids: Iterable[str]) -> list[Any]:
    """Links with both ends in ``ids``."""
    keep = set(ids)
    return [r for r in links_of(conn, keep) if r.a_id in keep and r.b_id in keep]


def _gather(conn: Connection, readable: Readable, member: str, start: str) -> tuple[dict[str, Any], bool]:
    """Readable records reachable from ``start`` over links between readable records; truncated?"""
    rows = _readable_rows(conn, readable, member, [start])
    frontier = sorted(rows)
    while frontier and len(rows) < MAX_RECORDS:
        others: set[str] = set()
        for link in links_of(conn, frontier, LINKED_STATES):
            others.update(x for x in (link.a_id, link.b_id) if x not in rows)
        fresh = _readable_rows(conn, readable, member, others)
        room = MAX_RECORDS - len(rows)
        if len(fresh) > room:
            fresh = dict(sorted(fresh.items())[:room])
            rows.update(fresh)
            return rows, True
        rows.update(fresh)
        frontier = sorted(fresh)
    return rows, False


def _person_of(ids: list[str], links: list[Any], start: str) -> list[str]:
    """The ids clustered with ``start`` under ``links`` (the batch's rule)."""
    ordered = sorted(ids)
    position = {rid: n for n, rid in enumerate(ordered)}
    edges = [Edge(position[r.a_id], position[r.b_id], r.state, r.score) for r in links]
    roots, _conflicts = components(len(ordered), edges)
    root = roots[position[start]]
    return [rid for n, rid in enumerate(ordered) if roots[n] == root]


def script_of(text: str) -> str:
    """The writing system of a name: the Unicode script of most of its letters (LATIN, ARABIC...)."""
    counts: dict[str, int] = defaultdict(int)
    for char in text:
        if char.isalpha():
            counts[unicodedata.name(char, "UNKNOWN").split(" ")[0]] += 1
    return max(sorted(counts), key=lambda s: counts[s]) if counts else "UNKNOWN"


def aliases(entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every name of the records, grouped when alike across scripts and spellings, with its script.

    Groups are formed greedily in record order: a name joins the first group whose first name it
    resembles (name similarity >= ALIAS_SIMILARITY), so "Abu Bakr al-Baghdadi", "Abou Bakr Al
    Baghdadi" and "أبو بكر البغدادي" form one group.
    """
    names: dict[str, dict[str, Any]] = {}
    for rid, entity in sorted(entities.items()):
        props = entity.get("properties", {})
        for prop in NAME_PROPS:
            for text in props.get(prop, ()):
                entry = names.setdefault(
                    text, {"name": text, "script": script_of(text), "properties": [], "records": []}
                )
                if prop not in entry["properties"]:
                    entry["properties"].append(prop)
                if rid not in entry["records"]:
                    entry["records"].append(rid)
    groups: list[list[dict[str, Any]]] = []
    for entry in names.values():
        analysed = analyse(entry["name"])
        for group in groups:
            if name_similarity(analyse(group[0]["name"]), analysed).score >= ALIAS_SIMILARITY:
                group.append(entry)
                break
        else:
            groups.append([entry])
    return [{"names": group, "scripts": sorted({e["script"] for e in group})} for group in groups]


def dominant_label(cell: Cell, labels: Iterable[str]) -> tuple[str | None, str | None]:
    """(dominant label text, None), or (None, reason) when the labels share no releasability."""
    parsed: list[Label] = [parse(text, cell.vocabulary) for text in sorted(set(labels))]
    try:
        return dominant(parsed, cell.registry).text(), None
    except NoCommonReleasability as exc:
        return None, str(exc)


def _label_text(cell: Cell, conn: Connection, label_id: int) -> str:
    label = cell.labels.label(conn, label_id)
    return label.text() if label else ""


def person_view(cell: Cell, conn: Connection, user: User, any_id: str) -> dict[str, Any] | None:
    """The person a person id or record id names, as ``user`` may see it; None alike when unknown or unreadable."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    start = _record_id(any_id)
    rows, truncated = _gather(conn, readable, user.member, start)
    if not rows:
        return None
    links = _links_among(conn, rows)
    members = _person_of(sorted(rows), [r for r in links if r.state != "suggested"], start)
    kept = set(members)
    rows = {rid: rows[rid] for rid in members}
    links = [r for r in links if r.a_id in kept and r.b_id in kept]
    entities = {rid: orjson.loads(row.entity) for rid, row in rows.items()}
    labels = {rid: _label_text(cell, conn, row.label_id) for rid, row in rows.items()}
    label, label_problem = dominant_label(cell, labels.values())
    sources: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rid, row in rows.items():
        sources[(row.member, labels[rid])].append(rid)
    deciders = decided_by(conn, {r.decided_by for r in links if r.decided_by is not None})
    return {
        "id": person_id(rows),
        "label": label,
        "label_problem": label_problem,
        "size": len(rows),
        "truncated": truncated,
        "records": [
            {
                "id": rid,
                "member": row.member,
                "label": labels[rid],
                "version": row.version,
                "created": iso(row.created_at),
                "status": row.status,
                "properties": entities[rid].get("properties", {}),
            }
            for rid, row in sorted(rows.items())
        ],
        "aliases": aliases(entities),
        "links": [link_json(r, deciders) for r in links],
        "sources": [
            {"member": member, "label": text, "records": ids} for (member, text), ids in sorted(sources.items())
        ],
    }


def persons_of(
    cell: Cell, conn: Connection, user: User, limit: int = 50, offset: int = 0, min_records: int = 2
) -> tuple[list[dict[str, Any]], int]:
    """Persons of at least ``min_records`` readable records, as ``user`` sees them, by id; and how many.

    Built like `person_view` from the links between readable records (every such link is read
    once per call: fine for thousands of persons, a cache per label set is the next step).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    query, _pa, _pb = readable_pair(readable, user.member)
    query = query.where(person_links.c.state.in_((*LINKED_STATES, "rejected"))).with_only_columns(
        person_links.c.a_id, person_links.c.b_id, person_links.c.state, person_links.c.score
    )
    links = list(conn.execute(query))
    ids = {x for r in links for x in (r.a_id, r.b_id)}
    if min_records <= 1:
        every = select(persons.c.id).where(persons.c.is_current, records.visible(readable, user.member))
        ids.update(r.id for r in conn.execute(every))
    ordered = sorted(ids)
    position = {rid: n for n, rid in enumerate(ordered)}
    roots, _conflicts = components(
        len(ordered), [Edge(position[r.a_id], position[r.b_id], r.state, r.score) for r in links]
    )
    groups: dict[int, list[str]] = defaultdict(list)
    for n, rid in enumerate(ordered):
        groups[roots[n]].append(rid)
    found = sorted((g for g in groups.values() if len(g) >= max(min_records, 1)), key=lambda g: g[0])
    page = found[max(offset, 0) : max(offset, 0) + limit]
    rows = _readable_rows(conn, readable, user.member, [rid for g in page for rid in g])
    out = []
    for group in page:
        entities = {rid: orjson.loads(rows[rid].entity) for rid in group}
        labels = [_label_text(cell, conn, rows[rid].label_id) for rid in group]
        label, _problem = dominant_label(cell, labels)
        props = entities[group[0]].get("properties", {})
        out.append(
            {
                "id": person_id(group),
                "caption": (props.get("name") or props.get("alias") or [group[0]])[0],
                "size": len(group),
                "members": sorted({rows[rid].member for rid in group}),
                "label": label,
                "records": group,
                "labels": labels,
            }
        )
    return out, len(found)
