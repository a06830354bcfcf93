"""Requests for information: ask, list, read, answer and close, as far as the caller sees them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.exchange import rfis
from intelcell.exchange.rfis import Rfi, RfiError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/rfis", tags=["rfis"])
Authenticated = Annotated[User, Depends(current_user)]
Code = Annotated[str, Field(min_length=1, max_length=32)]
ObjectId = Annotated[str, Field(min_length=1, max_length=128)]

_STATUS = {
    "invalid_request": 422,
    "invalid_label": 422,
    "label_not_permitted": 422,
    "not_found": 404,
    "forbidden": 403,
    "conflict": 409,
}


class Question(BaseModel):
    """A question with its label, deadline and priority."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=rfis.MAX_TEXT)
    label: str = Field(min_length=1, max_length=1000, examples=["NATO SECRET // REL TO COALITION"])
    deadline: str = Field(min_length=1, max_length=64, examples=["2026-12-01T12:00:00Z"])
    priority: Literal["routine", "priority", "immediate", "flash"]


class AskRequest(Question):
    """A question for members or communities, with its label, deadline and priority."""

    addressees: list[Code] = Field(min_length=1, max_length=rfis.MAX_ADDRESSEES, examples=[["LEVANT", "JOR"]])


class AnswerRequest(BaseModel):
    """An answer: text, the objects it cites and its own label."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=rfis.MAX_TEXT)
    label: str = Field(min_length=1, max_length=1000)
    object_ids: list[ObjectId] = Field(default_factory=list, max_length=rfis.MAX_CITED)


def refused(exc: RfiError) -> ApiError:
    return ApiError(_STATUS[exc.kind], exc.kind, exc.reason)


@router.post("", status_code=201)
def ask(body: AskRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Ask a question; 422 with the reason for an invalid or unassignable label, addressee or deadline."""
    try:
        rfi = rfis.ask(
            cell_of(request),
            user,
            question=body.question,
            label=body.label,
            addressees=body.addressees,
            deadline=body.deadline,
            priority=body.priority,
            path=f"POST {request.url.path}",
        )
    except RfiError as exc:
        raise refused(exc) from None
    return rfi.to_json()


@router.get("")
def list_rfis(
    request: Request,
    user: Authenticated,
    status: Literal["open", "answered", "closed", "overdue"] | None = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The RFIs the caller sees, newest first; ``status`` as they see it, ``mine`` for their member's."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found: list[Rfi] = rfis.listing(cell, conn, user, status=status, mine=mine, limit=limit)
    record_read(request, user, "rfi.list", [r.id for r in found], [r.label for r in found])
    return {"rfis": [r.to_json() for r in found]}


@router.get("/{rfi_id}")
def get_rfi(rfi_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """One RFI with the answers the caller sees; 404 alike when it is missing or hidden."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        rfi = rfis.get(cell, conn, user, rfi_id)
    if rfi is None:
        raise refused(rfis.not_found(rfi_id))
    ids = [rfi.id, *(a.id for a in rfi.answers)]
    record_read(request, user, "rfi.read", ids, [rfi.label, *(a.label for a in rfi.answers)])
    return rfi.to_json(with_answers=True)


@router.post("/{rfi_id}/answers", status_code=201)
def answer_rfi(rfi_id: str, body: AnswerRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Answer an RFI addressed to the caller's member, citing objects they may read; 403 for others who see it."""
    try:
        answer = rfis.answer(
            cell_of(request),
            user,
            rfi_id,
            text=body.text,
            label=body.label,
            object_ids=body.object_ids,
            # The route, not the id: this entry also names the cited objects, and their originators
            # read it in the audit view without necessarily seeing the RFI.
            path="POST /api/v1/rfis/{rfi_id}/answers",
        )
    except RfiError as exc:
        raise refused(exc) from None
    return answer.to_json()


@router.post("/{rfi_id}/close")
def close_rfi(rfi_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """Close an RFI (the asking member, or an administrator who sees it); 403 for others who see it."""
    try:
        rfi = rfis.close(cell_of(request), user, rfi_id, f"POST {request.url.path}")
    except RfiError as exc:
        raise refused(exc) from None
    return rfi.to_json()
