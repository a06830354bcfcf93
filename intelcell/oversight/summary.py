"""The coordinator's summary of a period: per member, manual and computed figures, plan status and gaps.

Everything in it is what the viewer may read (ledger entries, plan items, computed counts), and it
carries the dominant label of what it summarises (DESIGN.md section 2), which the CSV export and
every page of the PDF report repeat.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from intelcell.cell import Cell
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import NATO_POLICY, Label, parse, scale
from intelcell.domain.oversight.aggregate import combine, gap
from intelcell.domain.oversight.contribution import COMPUTED_KINDS, KINDS, MANUAL_KINDS
from intelcell.domain.oversight.period import Period
from intelcell.domain.oversight.plan import STATUSES
from intelcell.oversight import computed, ledger, plan
from intelcell.store.users import User

#: The label of a summary that counts nothing: it reveals only that the viewer sees nothing.
EMPTY_LABEL = "NATO UNCLASSIFIED"


@dataclass(frozen=True)
class Summary:
    """A period's summary as one viewer may see it, ready for JSON, CSV and the PDF report."""

    period: Period
    label: Label
    members: dict[str, dict[str, Any]]
    totals: dict[str, float | None]
    plan: list[dict[str, Any]]
    plan_status: dict[str, int]
    gaps: list[dict[str, Any]]
    months: list[dict[str, Any]]
    levels: dict[str, dict[str, int]]

    def to_json(self) -> dict[str, Any]:
        """The summary as ``GET /api/v1/oversight/summary`` answers it."""
        return {
            "period": self.period.text(),
            "label": self.label.text(),
            "units": {code: k.unit for code, k in KINDS.items()},
            "members": [{"member": m, **row} for m, row in sorted(self.members.items())],
            "totals": self.totals,
            "plan": self.plan,
            "plan_status": self.plan_status,
            "gaps": self.gaps,
            "months": self.months,
        }


def build(cell: Cell, conn: Connection, user: User, span: Period, today: date, with_months: bool = True) -> Summary:
    """The summary of ``span`` for ``user``; ``today`` decides which plan items are overdue."""
    figures = computed.compute(cell, conn, user, span)
    entries = ledger.entries(cell, conn, user, span)
    items = plan.listing(cell, conn, user)
    label_texts = {e.label for e in entries} | {i.label for i in items}
    labels = [cell.labels.label(conn, i) for i in figures.label_ids]
    members: dict[str, dict[str, Any]] = {}

    def row(member: str) -> dict[str, Any]:
        return members.setdefault(
            member, {"manual": {}, "computed": {}, "objects_by_level": {}, "plan": {}, "gaps": []}
        )

    for e in entries:
        manual = row(e.member)["manual"]
        manual[e.kind] = manual.get(e.kind, 0.0) + e.value
    for member, values in figures.figures.items():
        row(member)["computed"].update(values)
    levels = {m: {scale(NATO_POLICY)[lv]: n for lv, n in sorted(by.items())} for m, by in figures.by_level.items()}
    for member, by in levels.items():
        row(member)["objects_by_level"] = by
    for item in items:
        owned = row(item.owner)["plan"]
        owned[item.status] = owned.get(item.status, 0) + 1
    totals = _totals(members, figures)
    gaps = _gaps(items, members, figures, totals)
    for g in gaps:
        if g["member"]:
            row(g["member"])["gaps"].append(g)
    status = Counter(i.status for i in items)
    plan_rows = [i.to_json(today) for i in items]
    months = (
        [
            {"period": m.text(), "totals": build(cell, conn, user, m, today, with_months=False).totals}
            for m in span.months()
            if m.start <= today  # a month that has not begun has nothing to show yet
        ]
        if with_months
        else []
    )
    summarised = [parse(t, cell.vocabulary) for t in label_texts if t] + [lab for lab in labels if lab is not None]
    return Summary(
        period=span,
        label=summary_label(cell, user, summarised),
        members=members,
        totals=totals,
        plan=plan_rows,
        plan_status={s: status.get(s, 0) for s in STATUSES} | {"overdue": sum(r["overdue"] for r in plan_rows)},
        gaps=gaps,
        months=months,
        levels=levels,
    )


def summary_label(cell: Cell, user: User, labels: list[Label]) -> Label:
    """The dominant label of what a summary counts; its viewer's own member alone when no label can express it.

    Labels a viewer reads as originator need not release to one another (a national label of the
    viewer's own member beside a REL TO list without it): the combination is then releasable to
    nobody but the viewer's member, which a national label of that member at the highest level says.
    """
    if not labels:
        return parse(EMPTY_LABEL, cell.vocabulary)
    try:
        return dominant(labels, cell.registry)
    except NoCommonReleasability:
        level = max(lab.level for lab in labels)
        caveats = frozenset().union(*(lab.restrictive_caveats for lab in labels))
        handling = frozenset().union(*(lab.handling_caveats for lab in labels))
        tlp = max(labels, key=lambda lab: lab.tlp_rank).tlp
        return Label(user.member, scale(user.member)[level], frozenset(), caveats, handling, tlp)


def _totals(members: dict[str, dict[str, Any]], figures: computed.Computed) -> dict[str, float | None]:
    """Every kind combined over the members shown (medians from pooled samples, never medians of medians)."""
    out: dict[str, float | None] = {}
    samples = [h for hours in figures.response_hours.values() for h in hours]
    for code, k in KINDS.items():
        source = "manual" if k.manual else "computed"
        value = combine(k, {m: r[source].get(code) for m, r in members.items()}, samples)
        out[code] = round(value, 2) if value is not None and k.combine == "median" else value
    return out


def _gaps(
    items: list[plan.PlanItem],
    members: dict[str, dict[str, Any]],
    figures: computed.Computed,
    totals: dict[str, float | None],
) -> list[dict[str, Any]]:
    """Each target of a live plan item against the period's figure for its member (or everyone)."""
    out = []
    for item in items:
        if item.status == "cancelled":
            continue
        for t in item.targets:
            k = KINDS[t.measure]
            source = "manual" if k.manual else "computed"
            if t.member is None:
                actual = totals.get(t.measure)
            elif k.combine == "median":
                actual = members.get(t.member, {}).get(source, {}).get(t.measure)  # None: nothing answered
            else:
                actual = members.get(t.member, {}).get(source, {}).get(t.measure, 0.0)
            missing = gap(k, t.value, actual)
            out.append(
                {
                    "item": item.id,
                    "title": item.title,
                    "measure": t.measure,
                    "unit": k.unit,
                    "member": t.member,
                    "target": t.value,
                    "actual": actual,
                    "gap": missing,
                    # A ceiling with nothing measured (no RFI answered) is not met, only unjudged.
                    "met": missing == 0 and actual is not None,
                }
            )
    return out


CSV_COLUMNS = ("period", "member", "measure", "source", "unit", "value", "label")


def to_csv(summary: Summary) -> str:
    """One row per member and figure, each carrying the summary's dominant label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    label, span = summary.label.text(), summary.period.text()
    for member, r in sorted(summary.members.items()):
        for source, kinds in (("manual", MANUAL_KINDS), ("computed", COMPUTED_KINDS)):
            for code in kinds:
                if code in r[source]:
                    value = _number(r[source][code])
                    writer.writerow((span, member, code, source, KINDS[code].unit, value, label))
    return out.getvalue()


def _number(value: float) -> str:
    """A figure as CSV text: whole numbers without a decimal point, others exactly (no rounding)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
