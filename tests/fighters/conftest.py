"""Person-record tests: users of three members with different clearances."""

from __future__ import annotations

import pytest

from intelcell.cell import Cell
from intelcell.store.users import User
from tests.helpers import user


@pytest.fixture
def fra(cell: Cell) -> User:
    """A French analyst cleared NATO SECRET."""
    return user(cell, "FRA", "claire")


@pytest.fixture
def fra_low(cell: Cell) -> User:
    """A French analyst cleared only NATO RESTRICTED."""
    return user(cell, "FRA", "remi", "NATO RESTRICTED")


@pytest.fixture
def irq(cell: Cell) -> User:
    """An Iraqi analyst cleared NATO SECRET (Iraq is a Coalition partner, not an Ally)."""
    return user(cell, "IRQ", "karim")
