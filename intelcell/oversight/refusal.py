"""The one refusal of the oversight adapters, and the checks every write shares (label, member)."""

from __future__ import annotations

from intelcell.cell import Cell
from intelcell.domain.label import Label, LabelError
from intelcell.domain.policy import NotAssignable, assignable
from intelcell.store.users import User

#: HTTP status of each refusal kind.
STATUS = {
    "invalid_request": 422,
    "invalid_label": 422,
    "label_not_permitted": 422,
    "unknown_member": 422,
    "forbidden": 403,
    "not_found": 404,
    "duplicate": 409,
    "conflict": 409,
}


class Refused(ValueError):
    """A refused oversight request: ``kind`` names the refusal, the message is the reason for the caller."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def assignable_label(cell: Cell, user: User, text: str) -> Label:
    """The label ``text`` names, if ``user`` may assign it (they must be able to read it themselves)."""
    try:
        return assignable(text, cell.vocabulary, user.viewer, cell.registry)
    except LabelError as exc:
        raise Refused("invalid_label", str(exc)) from None
    except NotAssignable as exc:
        raise Refused("label_not_permitted", str(exc)) from None


def known_member(cell: Cell, code: str, what: str = "member") -> str:
    """``code`` if the registry knows it as a member; raise Refused("unknown_member")."""
    if code not in cell.registry.members:
        raise Refused("unknown_member", f"{what} {code!r} is not a member of the cell (see GET /api/v1/members)")
    return code


def may_oversee(user: User) -> bool:
    """Coordinators and administrators keep the action plan and may enter any member's figures."""
    return user.role in ("coordinator", "admin")
