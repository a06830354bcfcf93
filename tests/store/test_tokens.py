"""API tokens: shown once, stored hashed, expiring and revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from intelcell.cell import Cell
from intelcell.domain.policy import parse_clearance
from intelcell.store import tokens, users
from tests.conftest import FakeClock


def new_user(cell: Cell, member: str = "FRA") -> users.User:
    with cell.db.write() as conn:
        user, created = users.upsert(
            conn,
            member=member,
            name="ana",
            clearance=parse_clearance("NATO SECRET"),
            role="analyst",
            is_demo=False,
            now=cell.clock(),
        )
    assert created
    return user


def test_token_authenticates_its_user_and_is_stored_only_hashed(cell: Cell) -> None:
    user = new_user(cell)
    with cell.db.write() as conn:
        _id, token = tokens.issue(conn, user, cell.clock(), 10)
    with cell.db.read() as conn:
        assert tokens.authenticate(conn, token, cell.clock()).id == user.id
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert token not in stored and stored == [tokens.token_hash(token)]


def test_token_expires(cell: Cell, clock: FakeClock) -> None:
    user = new_user(cell)
    with cell.db.write() as conn:
        _id, token = tokens.issue(conn, user, cell.clock(), 1)
    clock.advance(days=1)
    with cell.db.read() as conn, pytest.raises(tokens.AuthError, match="expired"):
        tokens.authenticate(conn, token, cell.clock())


def test_revoked_token_no_longer_authenticates(cell: Cell) -> None:
    user = new_user(cell)
    with cell.db.write() as conn:
        token_id, token = tokens.issue(conn, user, cell.clock(), 10)
        assert tokens.revoke(conn, token_id, cell.clock())
        assert not tokens.revoke(conn, token_id, cell.clock())
    with cell.db.read() as conn, pytest.raises(tokens.AuthError, match="revoked"):
        tokens.authenticate(conn, token, cell.clock())


def test_unknown_token_is_refused(cell: Cell) -> None:
    with cell.db.read() as conn, pytest.raises(tokens.AuthError, match="invalid"):
        tokens.authenticate(conn, "ic_not-a-token", cell.clock())


def test_upsert_updates_clearance_and_role(cell: Cell) -> None:
    user = new_user(cell)
    with cell.db.write() as conn:
        updated, changed = users.upsert(
            conn,
            member="FRA",
            name="ana",
            clearance=parse_clearance("NATO RESTRICTED"),
            role="admin",
            is_demo=False,
            now=cell.clock(),
        )
    assert changed and updated.id == user.id and updated.clearance.level == 1 and updated.role == "admin"


def test_unknown_role_is_refused_and_nothing_stored(cell: Cell) -> None:
    with pytest.raises(ValueError, match="unknown role"), cell.db.write() as conn:
        users.upsert(
            conn,
            member="FRA",
            name="x",
            clearance=parse_clearance("NATO SECRET"),
            role="god",
            is_demo=False,
            now=cell.clock(),
        )
    with cell.db.read() as conn:
        assert users.list_all(conn) == []
