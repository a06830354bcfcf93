"""Intelligence contributions computed from the cell's own data, as one viewer may see them.

Every figure is a SQL count over rows the viewer may read (their readable label ids applied per
underlying row, DESIGN.md section 2), so a viewer with a lower clearance gets lower counts and no
count, total or difference reveals what they may not see. The figures are reproducible: the same
data and viewer give the same numbers (docs/oversight.md says what each one counts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, func, or_, select

from intelcell.cell import Cell
from intelcell.domain.oversight.aggregate import median
from intelcell.domain.oversight.period import Period
from intelcell.exchange import rfis as rfi_rules
from intelcell.exchange.access import access_for
from intelcell.store.schema import (
    air_sensor_hours,
    air_sensors,
    objects,
    person_encodings,
    person_hits,
    persons,
    rfi_answers,
    rfis,
)
from intelcell.store.users import User

_STORED = "%Y-%m-%dT%H:%M:%S.000000Z"  # objects.date_added sorts as text in this form


@dataclass
class Computed:
    """Figures per member and kind, the response-time samples behind medians, and the labels counted."""

    figures: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    by_level: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    response_hours: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    label_ids: set[int] = field(default_factory=set)


def compute(cell: Cell, conn: Connection, user: User, span: Period) -> Computed:
    """Every computed figure of ``span`` as ``user`` may see it."""
    out = Computed()
    _objects(cell, conn, user, span, out)
    _rfis(cell, conn, user, span, out)
    _records(cell, conn, user, span, out)
    _hits(cell, conn, user, span, out)
    _air_hours(cell, conn, user, span, out)
    return out


def _objects(cell: Cell, conn: Connection, user: User, span: Period, out: Computed) -> None:
    """Distinct STIX objects with a readable version added in the period, per originator and label."""
    first, after = (moment.strftime(_STORED) for moment in span.bounds())
    access = access_for(cell, conn, user)
    o = objects.c
    where = and_(access.clause(objects), o.date_added >= first, o.date_added < after)
    per_label = select(o.originator, o.label_id, func.count(func.distinct(o.stix_id))).where(where)
    for member, label_id, n in conn.execute(per_label.group_by(o.originator, o.label_id)):
        label = cell.labels.label(conn, label_id)
        if label is None:
            continue
        levels = out.by_level[member]
        levels[label.level] = levels.get(label.level, 0) + n
        out.label_ids.add(label_id)
    # The total counts an object once even when re-labelled versions put it under several labels.
    totals = select(o.originator, func.count(func.distinct(o.stix_id))).where(where).group_by(o.originator)
    for member, n in conn.execute(totals):
        out.figures[member]["objects_shared"] = float(n)


def _rfis(cell: Cell, conn: Connection, user: User, span: Period, out: Computed) -> None:
    """RFIs a member first answered in the period (answers and RFIs the viewer sees), and response times."""
    first, after = span.bounds()
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    r, a = rfis.c, rfi_answers.c
    # The RFI rule of exchange/rfis.py: readable label AND the viewer's member asked it or is addressed.
    rfi_seen = and_(
        readable.clause(r.label_id, r.member, user.member),
        or_(r.member == user.member, rfi_rules._addressed(cell, user.member)),
    )
    query = (
        select(a.member, r.id, r.created_at.label("asked"), a.created_at.label("answered"), r.label_id, a.label_id)
        .join(rfis, r.id == a.rfi_id)
        .where(rfi_seen, readable.clause(a.label_id, a.member, user.member), a.created_at < after)
    )
    earliest: dict[tuple[str, str], tuple[float, set[int]]] = {}
    for member, rfi_id, asked, answered, rfi_label, answer_label in conn.execute(query):
        key = (member, rfi_id)
        if answered < first:
            earliest[key] = (-1.0, set())  # answered before the period: not this period's answer
            continue
        hours = (answered - asked).total_seconds() / 3600
        previous = earliest.get(key)
        if previous is None or (previous[0] >= 0 and hours < previous[0]):
            earliest[key] = (hours, {rfi_label, answer_label})
    for (member, _rfi), (hours, label_ids) in earliest.items():
        if hours < 0:
            continue
        figures = out.figures[member]
        figures["rfis_answered"] = figures.get("rfis_answered", 0.0) + 1
        out.response_hours[member].append(hours)
        out.label_ids |= label_ids
    for member, samples in out.response_hours.items():
        # Hundredths of an hour (36 s): finer than any deadline, and stable to print and compare.
        out.figures[member]["rfi_median_response_hours"] = round(median(samples) or 0.0, 2)


def _records(cell: Cell, conn: Connection, user: User, span: Period, out: Computed) -> None:
    """FTF records first submitted in the period whose current version the viewer may read."""
    first, after = span.bounds()
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    p = persons.c
    v1 = persons.alias("v1")
    started = (
        select(v1.c.pk)
        .where(v1.c.id == p.id, v1.c.version == 1, v1.c.created_at >= first, v1.c.created_at < after)
        .exists()
    )
    query = (
        select(p.member, p.label_id, func.count())
        .where(p.is_current, readable.clause(p.label_id, p.member, user.member), started)
        .group_by(p.member, p.label_id)
    )
    for member, label_id, n in conn.execute(query):
        figures = out.figures[member]
        figures["ftf_records"] = figures.get("ftf_records", 0.0) + n
        out.label_ids.add(label_id)


def _hits(cell: Cell, conn: Connection, user: User, span: Period, out: Computed) -> None:
    """Screening hits in the period on the viewer's own member's records it may read.

    A hit exists only for its holder (intelcell.fighters.hits): counted for anyone else, a
    one-day period would show when another member screened against the holder's records.
    """
    first, after = span.bounds()
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    h, p, e = person_hits.c, persons.c, person_encodings.c
    in_period = and_(h.created_at >= first, h.created_at < after, h.holder == user.member)
    on_records = (
        select(h.holder, p.label_id, func.count())
        .join(persons, and_(p.id == h.person_id, p.is_current))
        .where(in_period, readable.clause(p.label_id, p.member, user.member))
        .group_by(h.holder, p.label_id)
    )
    on_encodings = (
        select(h.holder, e.label_id, func.count())
        .join(person_encodings, e.id == h.person_id)
        .where(in_period, readable.clause(e.label_id, e.member, user.member))
        .group_by(h.holder, e.label_id)
    )
    for query in (on_records, on_encodings):
        for member, label_id, n in conn.execute(query):
            figures = out.figures[member]
            figures["screening_hits"] = figures.get("screening_hits", 0.0) + n
            out.label_ids.add(label_id)


def _air_hours(cell: Cell, conn: Connection, user: User, span: Period, out: Computed) -> None:
    """Hours in which a member's sensors contributed plots, counting only sensors the viewer may know of.

    A sensor's provenance label says who may learn that it contributes (``air_sensors``), so it
    is the label these hours are counted under.
    """
    first, after = span.hours()
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    s, hh = air_sensors.c, air_sensor_hours.c
    where = and_(hh.hour >= first, hh.hour < after, readable.clause(s.provenance_label_id, s.member, user.member))
    joined = air_sensor_hours.join(air_sensors, s.id == hh.sensor_id)
    hours = select(s.member, func.count(func.distinct(hh.hour))).select_from(joined).where(where).group_by(s.member)
    for member, n in conn.execute(hours):
        out.figures[member]["air_picture_hours"] = float(n)
    labels = select(s.provenance_label_id).select_from(joined).where(where).distinct()
    out.label_ids.update(conn.execute(labels).scalars())
