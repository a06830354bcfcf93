"""Coordinator oversight: the summary (JSON, CSV, PDF), the action plan and the contributions ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.oversight import ledger, plan, report
from intelcell.oversight import summary as summaries
from intelcell.oversight.refusal import STATUS, Refused
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/oversight", tags=["oversight"])
Authenticated = Annotated[User, Depends(current_user)]
PeriodText = Annotated[str, Query(min_length=1, max_length=32, examples=["2026", "2026-Q3", "2026-07"])]


def refused(exc: Refused) -> ApiError:
    """The API error of a refusal."""
    return ApiError(STATUS[exc.kind], exc.kind, exc.reason)


class TargetBody(BaseModel):
    """A target: a value of a measure, for one member or (omitted) all together."""

    model_config = ConfigDict(extra="forbid")
    measure: str | None = Field(default=None, max_length=64, examples=["awacs_flight_hours"])
    value: float = Field(examples=[1200])
    member: str | None = Field(default=None, max_length=32)


class PlanItemBody(BaseModel):
    """An action-plan item: title, owner, targets, status, deadline, evidence and label."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=200)
    owner: str = Field(max_length=32, examples=["NATO"])
    description: str = Field(default="", max_length=4000)
    targets: list[TargetBody] = Field(default_factory=list, max_length=20)
    status: str = Field(default="planned", max_length=16)
    deadline: str | None = Field(default=None, max_length=10, examples=["2026-12-31"])
    evidence: list[str] = Field(default_factory=list, max_length=50)
    label: str = Field(max_length=1000, examples=["NATO RESTRICTED // REL TO COALITION"])


class PlanChangeBody(BaseModel):
    """Fields of an action-plan item to change; the others keep their values."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=200)
    owner: str | None = Field(default=None, max_length=32)
    description: str | None = Field(default=None, max_length=4000)
    targets: list[TargetBody] | None = Field(default=None, max_length=20)
    status: str | None = Field(default=None, max_length=16)
    deadline: str | None = Field(default=None, max_length=10)
    evidence: list[str] | None = Field(default=None, max_length=50)
    label: str | None = Field(default=None, max_length=1000)


class ContributionBody(BaseModel):
    """A reported figure: whose, which measure, which period, how much, from which source, under which label."""

    model_config = ConfigDict(extra="forbid")
    member: str = Field(max_length=32, examples=["USA"])
    kind: str = Field(max_length=64, examples=["awacs_flight_hours"])
    period: str = Field(max_length=32, examples=["2026-07"])
    value: float = Field(examples=[212.5])
    source: str = Field(max_length=200, examples=["NAEW&C Force monthly flying-hours return"])
    label: str = Field(max_length=1000, examples=["NATO RESTRICTED // REL TO COALITION"])


def _summary(request: Request, user: User, period: str) -> summaries.Summary:
    cell = cell_of(request)
    try:
        span = ledger.parse_period(period)
    except Refused as exc:
        raise refused(exc) from None
    with cell.db.read() as conn:
        built = summaries.build(cell, conn, user, span, cell.clock().date())
    # The aggregate is released under its dominant label; the audit names it and the period.
    record_read(request, user, "oversight.summary", [f"oversight-summary:{span.text()}"], [built.label.text()])
    return built


@router.get("/summary")
def summary(request: Request, user: Authenticated, period: PeriodText) -> dict[str, Any]:
    """Per member: reported and computed figures, plan status and gaps, all as the caller may see them."""
    return _summary(request, user, period).to_json()


@router.get("/summary.csv")
def summary_csv(request: Request, user: Authenticated, period: PeriodText) -> Response:
    """The summary's figures as CSV, one row per member and measure, each carrying the dominant label."""
    built = _summary(request, user, period)
    headers = {
        "X-Intelcell-Label": built.label.text(),
        "Content-Disposition": f'attachment; filename="oversight-{built.period.text().replace("/", "_")}.csv"',
    }
    return Response(summaries.to_csv(built), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/report.pdf")
def report_pdf(request: Request, user: Authenticated, period: PeriodText) -> Response:
    """The PDF report with charts; the dominant label is the banner of every page."""
    built = _summary(request, user, period)
    body = report.render(built, cell_of(request).clock().date())
    headers = {
        "X-Intelcell-Label": built.label.text(),
        "Content-Disposition": f'inline; filename="oversight-{built.period.text().replace("/", "_")}.pdf"',
    }
    return Response(body, media_type="application/pdf", headers=headers)


@router.get("/plan")
def list_plan(request: Request, user: Authenticated) -> dict[str, Any]:
    """The action-plan items the caller may read."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        items = plan.listing(cell, conn, user)
    record_read(request, user, "plan.list", [i.id for i in items], [i.label for i in items])
    today = cell.clock().date()
    return {"items": [i.to_json(today) for i in items]}


@router.post("/plan", status_code=201)
def create_plan_item(body: PlanItemBody, request: Request, user: Authenticated) -> dict[str, Any]:
    """Add an item (coordinator or administrator); 422 with the reason for a bad field, 403 for others."""
    cell = cell_of(request)
    try:
        item = plan.create(cell, user, body.model_dump(), f"POST {request.url.path}")
    except Refused as exc:
        raise refused(exc) from None
    return item.to_json(cell.clock().date())


@router.get("/plan/{item_id}")
def get_plan_item(item_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """One item with the history of its changes the caller may read; 404 alike for missing and hidden."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        item = plan.visible(cell, conn, user, item_id)
        if item is None:
            raise refused(plan.not_found(item_id))
        history = plan.history(cell, conn, user, item_id)
    record_read(request, user, "plan.read", [item.id], [item.label])
    return {**item.to_json(cell.clock().date()), "history": history}


@router.patch("/plan/{item_id}")
def change_plan_item(item_id: str, body: PlanChangeBody, request: Request, user: Authenticated) -> dict[str, Any]:
    """Change an item's fields (coordinator or administrator), keeping the new version in its history."""
    cell = cell_of(request)
    changes = body.model_dump(exclude_unset=True)
    try:
        item = plan.update(cell, user, item_id, changes, "PATCH /api/v1/oversight/plan/{item_id}")
    except Refused as exc:
        raise refused(exc) from None
    return item.to_json(cell.clock().date())


@router.get("/contributions")
def list_contributions(
    request: Request, user: Authenticated, period: PeriodText, member: str | None = None
) -> dict[str, Any]:
    """Reported figures the caller may read whose period lies within ``period``, with provenance."""
    cell = cell_of(request)
    try:
        span = ledger.parse_period(period)
    except Refused as exc:
        raise refused(exc) from None
    with cell.db.read() as conn:
        found = ledger.entries(cell, conn, user, span, member)
    record_read(request, user, "contribution.list", [e.id for e in found], [e.label for e in found])
    return {"period": span.text(), "contributions": [e.to_json() for e in found]}


@router.post("/contributions", status_code=201)
def enter_contribution(body: ContributionBody, request: Request, user: Authenticated) -> dict[str, Any]:
    """Report a figure for the caller's own member (coordinators and administrators: any member)."""
    try:
        entry = ledger.enter(cell_of(request), user, path=f"POST {request.url.path}", **body.model_dump())
    except Refused as exc:
        raise refused(exc) from None
    return entry.to_json()


@router.delete("/contributions/{entry_id}", status_code=204)
def withdraw_contribution(entry_id: str, request: Request, user: Authenticated) -> Response:
    """Withdraw an entry (its member's analysts, the coordinator, administrators); the audit keeps it."""
    try:
        ledger.withdraw(cell_of(request), user, entry_id, "DELETE /api/v1/oversight/contributions/{entry_id}")
    except Refused as exc:
        raise refused(exc) from None
    return Response(status_code=204)
