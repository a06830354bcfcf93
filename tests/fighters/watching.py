"""The watchlist tests' shared cast: FRA watches, TUR holds records, under labels both may read."""

from __future__ import annotations

from typing import Any

import pytest

from intelcell.cell import Cell
from intelcell.fighters import records, watchlists
from intelcell.store.users import User
from tests.web.test_pages import MakeUser

OMAR = {"name": ["Omar Haddad"], "birthDate": ["1987"]}
SHARED = "NATO SECRET // REL TO FRA, TUR"


def store(cell: Cell, user: User, entity: dict[str, Any], label: str, **choices: bool) -> None:
    """Store one record of ``user``'s member through the write path every API uses."""
    records.submit(cell, user, [entity], label, path="test", **choices)


def seen(cell: Cell, user: User) -> list[watchlists.Alert]:
    """The alerts ``user`` is shown."""
    with cell.db.read() as conn:
        return watchlists.alerts(cell, conn, user)


@pytest.fixture
def fra(make_user: MakeUser) -> User:
    """The watching analyst."""
    return make_user("FRA", "NATO SECRET", name="fra.watcher")[0]


@pytest.fixture
def tur(make_user: MakeUser) -> User:
    """The holder of the records, cleared above FRA."""
    return make_user("TUR", "NATO COSMIC TOP SECRET", name="tur.holder")[0]
