"""The label picker's answer: who will read an object under a label, and whether the caller may assign it.

One function for the API (``GET /api/v1/labels/readers``) and the browser's picker
(``/labels/readers.json``), applying the rule of every write path (`Collection.assign_refusal`,
`domain.policy.assignable`) and describing the readers with `domain.readers`.
"""

from __future__ import annotations

from typing import Any

from intelcell.cell import Cell
from intelcell.domain.label import parse
from intelcell.domain.policy import can_read
from intelcell.domain.readers import readers_of
from intelcell.exchange import collections
from intelcell.store.users import User


class NoSuchCollection(LookupError):
    """The collection is missing, or the caller may not write to it (the same answer)."""


def picker_answer(cell: Cell, user: User, text: str, collection_id: str | None = None) -> dict[str, Any]:
    """The picker's answer for label ``text``; LabelError for text that is not a label, NoSuchCollection."""
    label = parse(text, cell.vocabulary)
    if collection_id is None:
        mine = can_read(user.viewer, label, user.member, cell.registry)
        refusal = None if mine else "is above what the submitter may assign (clearance or caveats)"
    else:
        with cell.db.read() as conn:
            found = collections.get(conn, cell, collection_id)
        if found is None or not found.can_write(user, cell):
            raise NoSuchCollection(f"no collection '{collection_id}' you may write to")
        refusal = found.assign_refusal(user, label, cell)
    readers = readers_of(label, user.member, cell.registry)
    return {
        "label": label.text(),
        "assignable": refusal is None,
        "refusal": f"label {label.text()} {refusal}" if refusal else None,
        "readers": {
            "members": sorted(readers.members),
            "clearance": readers.clearance,
            "caveats": sorted(readers.caveats),
            "orcon": readers.only_originator_shares,
            "tlp": readers.tlp,
        },
        "sentence": readers.sentence(cell.registry),
    }
