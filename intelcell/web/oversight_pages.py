"""The coordinator's oversight dashboard: a period's figures, the action plan and charts (issues 6 and 7).

Everything on the page comes from the same functions as ``GET /api/v1/oversight/summary`` and
``/plan`` (``intelcell.oversight.summary.build`` and ``plan.listing``), so a viewer sees exactly
what the API shows them: figures counted over what they may read, plan items they may read, and
no figure at all where nothing readable was counted. The summary is audited as the API audits it.
Charts are inline SVG computed here (bar lengths, progress, sparklines): no script, no style
attribute, so they render under the strict Content-Security-Policy. The CSV and PDF downloads
work with the browser session and call the same code as the API's Bearer-token endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.domain.oversight.contribution import COMPUTED_KINDS, KINDS, MANUAL_KINDS
from intelcell.domain.oversight.period import Period
from intelcell.domain.oversight.plan import STATUSES
from intelcell.oversight import ledger, plan, report
from intelcell.oversight import summary as summaries
from intelcell.oversight.refusal import Refused as OversightRefused
from intelcell.oversight.refusal import may_oversee
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import Refused, render, require_csrf, session_of

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)

PeriodParam = Annotated[str | None, Query(max_length=32)]
#: Drawing sizes of the inline SVG charts, in SVG user units.
BAR_WIDTH, BAR_ROW, BAR_LEFT = 220, 18, 52
PROGRESS_WIDTH = 140
SPARK_WIDTH, SPARK_HEIGHT = 180, 32


@dataclass(frozen=True)
class Bar:
    """One member's bar in a chart of one measure."""

    member: str
    value: float
    text: str
    y: int
    width: int


def number(value: float | None) -> str:
    """A figure as the page shows it: whole numbers without decimals, others to two places."""
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _summary(request: Request, user: User, span: Period, with_months: bool = True) -> summaries.Summary:
    """The summary as the API builds it for ``user``, audited the same way (a read of the aggregate).

    ``with_months=False`` leaves out the monthly trend, which runs every figure query once per
    month (docs/oversight.md "Not yet"): the dashboard must render in under 300 ms, so the trend
    has its own page.
    """
    cell = cell_of(request)
    with cell.db.read() as conn:
        built = summaries.build(cell, conn, user, span, cell.clock().date(), with_months)
    record_read(request, user, "oversight.summary", [f"oversight-summary:{span.text()}"], [built.label.text()])
    return built


def _span(text: str) -> Period:
    """The period ``text`` names; an explained 422 page for a bad one (downloads have no form to show)."""
    try:
        return ledger.parse_period(text)
    except OversightRefused as exc:
        message = f"Period {text!r}: {exc.reason}."
        raise Refused(422, "Bad period", message, "/oversight", "Back to the dashboard") from None


def _bars(built: summaries.Summary) -> list[dict[str, Any]]:
    """One bar chart per measure with any figure: each member's value, scaled to the largest."""
    charts = []
    for code in (*MANUAL_KINDS, *COMPUTED_KINDS):
        k = KINDS[code]
        source = "manual" if k.manual else "computed"
        values = [(m, row[source][code]) for m, row in sorted(built.members.items()) if row[source].get(code)]
        if not values:
            continue
        top = max(v for _, v in values)
        bars = [
            Bar(m, v, number(v), i * BAR_ROW, max(1, round(BAR_WIDTH * v / top)) if top else 1)
            for i, (m, v) in enumerate(values)
        ]
        charts.append(
            {
                "code": code,
                "title": k.title,
                "unit": k.unit,
                "bars": bars,
                "height": len(bars) * BAR_ROW,
                "total": number(built.totals.get(code)),
            }
        )
    return charts


def _progress(g: dict[str, Any]) -> int:
    """How far a target is reached, as a width of the progress bar (a ceiling counts as reached when kept)."""
    target, actual = g["target"], g["actual"]
    if actual is None:
        return 0
    if g["met"]:
        return PROGRESS_WIDTH
    if KINDS[g["measure"]].higher_is_better:
        ratio = actual / target if target else 1.0
    else:
        ratio = target / actual if actual else 1.0
    return max(0, min(PROGRESS_WIDTH, round(PROGRESS_WIDTH * ratio)))


def _trends(built: summaries.Summary) -> list[dict[str, Any]]:
    """A sparkline per measure over the months of the period that have begun (only measures with a figure)."""
    out: list[dict[str, Any]] = []
    months = built.months
    if len(months) < 2:
        return out
    step = SPARK_WIDTH / (len(months) - 1)
    for code, k in KINDS.items():
        series = [m["totals"].get(code) for m in months]
        if not any(series):
            continue
        top = max((v for v in series if v is not None), default=0) or 1
        points = " ".join(
            f"{i * step:.1f},{SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4) * (v or 0) / top:.1f}" for i, v in enumerate(series)
        )
        table = [(m["period"], number(v) if v is not None else "") for m, v in zip(months, series, strict=True)]
        out.append({"code": code, "title": k.title, "unit": k.unit, "points": points, "months": table})
    return out


def _headline(built: summaries.Summary) -> list[tuple[str, str]]:
    """The few figures the coordinator reads first."""
    totals = built.totals
    met = sum(1 for g in built.gaps if g["met"])
    median = totals.get("rfi_median_response_hours")
    return [
        ("Plan items", str(len(built.plan))),
        ("Overdue", str(built.plan_status.get("overdue", 0))),
        ("Targets met", f"{met} of {len(built.gaps)}"),
        ("Members contributing", str(len(built.members))),
        ("Objects shared", number(totals.get("objects_shared")) or "0"),
        ("RFIs answered", number(totals.get("rfis_answered")) or "0"),
        ("Median RFI response", f"{number(median)} h" if median is not None else "none answered"),
    ]


def _dashboard(request: Request, user: User, csrf: str, period_text: str) -> Response:
    """The dashboard page for ``period_text``; the period form with an inline error (422) for a bad one."""
    try:
        span = ledger.parse_period(period_text)
    except OversightRefused as exc:
        failed: dict[str, Any] = {"period": period_text, "period_error": exc.reason, "quick": _quick(request)}
        return render(request, "oversight.html", user=user, csrf=csrf, status=422, **failed)
    built = _summary(request, user, span, with_months=False)
    # The plan items are released too: audited as the plan listing is (GET /api/v1/oversight/plan).
    record_read(request, user, "plan.list", [p["id"] for p in built.plan], [p["label"] for p in built.plan])
    gaps_by_item: dict[str, list[dict[str, Any]]] = {}
    for g in built.gaps:
        gaps_by_item.setdefault(g["item"], []).append({**g, "width": _progress(g), "unit": KINDS[g["measure"]].unit})
    members = sorted(built.members.items())
    context: dict[str, Any] = {
        "period": span.text(),
        "summary": built,
        "label": built.label.text(),
        "headline": _headline(built),
        "members": members,
        "manual_kinds": [(c, KINDS[c]) for c in MANUAL_KINDS],
        "computed_kinds": [(c, KINDS[c]) for c in COMPUTED_KINDS],
        "charts": _bars(built),
        "plan_rows": built.plan,
        "gaps_by_item": gaps_by_item,
        "statuses": STATUSES,
        "may_edit": may_oversee(user),
        "number": number,
        "quick": _quick(request, span),
        "sizes": {"bar": BAR_WIDTH, "left": BAR_LEFT, "row": BAR_ROW, "progress": PROGRESS_WIDTH},
    }
    labels = [built.label.text(), *(p["label"] for p in built.plan)]
    return render(request, "oversight.html", user=user, csrf=csrf, labels=labels, **context)


def _quick(request: Request, span: Period | None = None) -> list[str]:
    """Period shortcuts: the year, its quarters and the current month."""
    today = cell_of(request).clock().date()
    year = span.start.year if span is not None else today.year
    return [str(year), *(f"{year}-Q{q}" for q in range(1, 5)), f"{today.year}-{today.month:02d}"]


@router.get("/oversight")
def dashboard(request: Request, period: PeriodParam = None) -> Response:
    """The period's dashboard: headline figures, plan items and targets, contributions by member, charts."""
    user, csrf = session_of(request)
    text = period if period is not None else str(cell_of(request).clock().year)
    return _dashboard(request, user, csrf, text.strip())


@router.get("/oversight/trend")
def trend(request: Request, period: PeriodParam = None) -> Response:
    """The period's totals month by month, a sparkline per measure (the summary's ``months``)."""
    user, csrf = session_of(request)
    span = _span(period if period is not None else str(cell_of(request).clock().year))
    built = _summary(request, user, span)
    context: dict[str, Any] = {
        "period": span.text(),
        "label": built.label.text(),
        "trends": _trends(built),
        "spark": {"w": SPARK_WIDTH, "h": SPARK_HEIGHT},
    }
    return render(request, "oversight_trend.html", user=user, csrf=csrf, labels=[built.label.text()], **context)


@router.get("/oversight/summary.csv")
def summary_csv(request: Request, period: PeriodParam = None) -> Response:
    """The summary's figures as CSV for the session user (the same file as the API's summary.csv)."""
    user, _csrf = session_of(request)
    built = _summary(request, user, _span(period or str(cell_of(request).clock().year)))
    headers = {
        "X-Intelcell-Label": built.label.text(),
        "Content-Disposition": f'attachment; filename="oversight-{built.period.text().replace("/", "_")}.csv"',
        "Cache-Control": "no-store",
    }
    return Response(summaries.to_csv(built), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/oversight/report.pdf")
def report_pdf(request: Request, period: PeriodParam = None) -> Response:
    """The PDF report for the session user (the same report as the API's report.pdf)."""
    user, _csrf = session_of(request)
    built = _summary(request, user, _span(period or str(cell_of(request).clock().year)))
    body = report.render(built, cell_of(request).clock().date())
    headers = {
        "X-Intelcell-Label": built.label.text(),
        "Content-Disposition": f'inline; filename="oversight-{built.period.text().replace("/", "_")}.pdf"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type="application/pdf", headers=headers)


@router.post("/oversight/plan/{item_id}")
def change_plan_item(
    request: Request,
    item_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=16)] = "",
    deadline: Annotated[str, Form(max_length=10)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    period: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Change an item's status and deadline (coordinator, administrator) as ``PATCH /plan/{id}`` does.

    The form's ``version`` goes to ``plan.update``, which checks it inside its write: a change made
    since the page was opened answers 409 and is never overwritten. A hidden item answers 404 like a
    missing one, before the role is checked, so others learn nothing of it.
    """
    user, expected = session_of(request)
    back = "/oversight" + (f"?period={quote(period, safe='')}" if period else "")
    require_csrf(expected, csrf, back)
    cell = cell_of(request)
    # Versions start at 1, so a missing or garbled version (0) is always stale.
    seen = int(version) if version.isascii() and version.isdecimal() else 0
    try:
        plan.update(
            cell,
            user,
            item_id,
            {"status": status, "deadline": deadline or None},
            f"POST /oversight/plan/{item_id}",
            expected_version=seen,
        )
    except OversightRefused as exc:
        if exc.kind == "not_found":  # missing and unreadable alike
            raise Refused(404, "Not found", "No such action-plan item.", back, "Back to the dashboard") from None
        if exc.kind == "forbidden":
            message = "Only the coordinator or an administrator keeps the action plan."
            raise Refused(403, "Not for your role", message, back) from None
        if exc.kind == "conflict":
            message = "The item changed since you opened the page, so nothing was changed. Reload and try again."
            raise Refused(409, "Item changed meanwhile", message, back, "Back to the dashboard") from None
        raise Refused(422, "Change refused", f"Nothing was changed: {exc.reason}.", back) from None
    return RedirectResponse(f"{back}#item-{item_id}", status_code=303)
