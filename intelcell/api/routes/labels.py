"""Label parsing and the published STIX label extension."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.domain import marking
from intelcell.domain.label import LabelError, parse
from intelcell.domain.policy import can_read
from intelcell.exchange.assigning import NoSuchCollection, picker_answer
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/labels", tags=["labels"])


class ParseRequest(BaseModel):
    """A label in text form."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=1000, examples=["NATO SECRET // REL TO COALITION, IRQ // ORCON"])


@router.post("/parse")
def parse_label(body: ParseRequest, request: Request, _user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    """Parse a label: its structured form, canonical text and STIX marking-definition(s); 422 if invalid."""
    try:
        label = parse(body.text, cell_of(request).vocabulary)
    except LabelError as exc:
        raise ApiError(422, "invalid_label", str(exc)) from None
    answer: dict[str, Any] = {
        "label": label.to_json(),
        "canonical": label.text(),
        "marking_definition": marking.marking_definition(label),
    }
    if label.tlp:
        answer["tlp_marking_definition"] = marking.tlp_marking_definition(label.tlp)
    return answer


@router.get("/readers")
def label_readers(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    label: Annotated[str, Query(min_length=1, max_length=1000, examples=["NATO SECRET // REL TO COALITION"])],
    collection: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> dict[str, Any]:
    """Who will be able to read an object the caller labels so, and whether the caller may assign the label.

    The label picker's answer, by the rule every write path applies: within the caller's clearance
    and caveats, and, given a ``collection`` the caller writes to, within its release limit. 422
    for text that is not a label; 404 for a collection the caller may not write to.
    """
    try:
        return picker_answer(cell_of(request), user, label, collection)
    except LabelError as exc:
        raise ApiError(422, "invalid_label", str(exc)) from None
    except NoSuchCollection as exc:
        raise ApiError(404, "not_found", str(exc)) from None


@router.get("/extension-definition")
def extension_definition(_user: Annotated[User, Depends(current_user)]) -> list[dict[str, Any]]:
    """The published STIX extension-definition of intelcell labels, with its publisher identity."""
    return [marking.publisher_identity(), marking.extension_definition()]


@router.get("/markings/{marking_id}")
def label_marking(marking_id: str, request: Request, user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    """The marking-definition of a label in use here, so peers can learn labels by id; 404 otherwise.

    Answered only for labels that release to the caller's member at their clearance and caveats;
    any other id is unknown.
    """
    cell = cell_of(request)
    with cell.db.read() as conn:
        label = cell.labels.by_marking_id(conn, marking_id)
    # Released to the caller as a stranger (not as originator): a label the caller's member is
    # not released to is not confirmed to exist, even if the caller's clearance would reach it.
    if label is None or not can_read(user.viewer, label, "\0", cell.registry):
        raise ApiError(404, "not_found", f"no label marking '{marking_id}'")
    return marking.marking_definition(label)
