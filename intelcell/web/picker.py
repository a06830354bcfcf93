"""The label picker's data for the browser: who will read an object under the label being typed.

``label-picker.js`` asks ``/labels/readers.json`` as the user types a label (any input marked
``data-label-picker``) and shows the sentence under the field, or why the label may not be used.
The answer is `exchange.assigning.picker_answer`, the API's, so the page says what the server will
enforce when the form is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.cell import Cell
from intelcell.domain.label import LabelError
from intelcell.domain.policy import NotAssignable, assignable
from intelcell.exchange.assigning import NoSuchCollection, picker_answer
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import DATA_HEADERS
from intelcell.web.session import current_session


@dataclass(frozen=True)
class Hint:
    """The line under a label field: who will read, or why the label may not be used."""

    text: str
    refused: bool


def readers_hint(cell: Cell, user: User, text: str) -> Hint:
    """The picker's line for ``text`` as the server renders it (the script updates it as the user types)."""
    if not text.strip():
        return Hint("Type or choose a label to see who will be able to read it.", False)
    try:
        answer = picker_answer(cell, user, text)
    except LabelError as exc:
        return Hint(str(exc), True)
    if not answer["assignable"]:
        return Hint(f"You may not use this label: {answer['refusal']}.", True)
    return Hint(answer["sentence"], False)


def usable_labels(cell: Cell, user: User, suggestions: Iterable[str]) -> list[str]:
    """The suggested labels ``user`` may assign, in canonical text (a label field's choices)."""
    out = []
    for text in suggestions:
        try:
            out.append(assignable(text, cell.vocabulary, user.viewer, cell.registry).text())
        except (LabelError, NotAssignable):
            continue
    return out


router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
MAX_LABEL = 1000


@router.get("/labels/readers.json")
def readers_json(request: Request, label: str = "", collection: str = "") -> JSONResponse:
    """The picker's answer for ``label``; 401 without a session, 422 with the parser's reason."""
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "no browser session: sign in at /login")
    if not label.strip() or len(label) > MAX_LABEL:
        raise ApiError(422, "invalid_label", f"a label is 1 to {MAX_LABEL} characters")
    try:
        answer = picker_answer(cell_of(request), session[0], label, collection.strip() or None)
    except LabelError as exc:
        raise ApiError(422, "invalid_label", str(exc)) from None
    except NoSuchCollection as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return JSONResponse(answer, headers=DATA_HEADERS)
