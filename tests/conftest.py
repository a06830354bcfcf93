"""Shared fixtures: a fresh store per test on SQLite, or on PostgreSQL when
INTELCELL_TEST_DATABASE_URL points at a server (scripts/test runs the suite both ways)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from intelcell.api.app import create_app
from intelcell.cell import Cell, open_cell
from intelcell.domain.label import Label, parse
from intelcell.domain.policy import parse_clearance
from intelcell.settings import Settings
from intelcell.store import tokens, users
from intelcell.store.database import Database, normalise_url
from intelcell.store.migrate import upgrade
from intelcell.store.schema import metadata
from intelcell.store.users import User

PG_ADMIN_URL = os.environ.get("INTELCELL_TEST_DATABASE_URL", "").strip()


def pytest_report_header() -> str:
    if PG_ADMIN_URL:
        shown = make_url(PG_ADMIN_URL).render_as_string(hide_password=True)
        return f"intelcell store under test: PostgreSQL ({shown})"
    return "intelcell store under test: SQLite (set INTELCELL_TEST_DATABASE_URL for PostgreSQL)"


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated store shared by the session: a SQLite file to copy, or a PostgreSQL database."""
    if not PG_ADMIN_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        db.dispose()
        yield str(path)
        return
    name = f"intelcell_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(PG_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    upgrade(db)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> str:
    """A store with the newest schema and no rows."""
    if not PG_ADMIN_URL:
        path = tmp_path / "intelcell.db"
        shutil.copyfile(_template, path)
        return f"sqlite:///{path}"
    db = Database(_template)
    with db.write() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()
    return _template


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env(environ={}, database_url=database_url)


@pytest.fixture
def cell(settings: Settings, clock: FakeClock) -> Iterator[Cell]:
    opened = open_cell(settings, clock)
    yield opened
    opened.db.dispose()


@pytest.fixture
def client(cell: Cell) -> Iterator[TestClient]:
    # https: session cookies are Secure, and a client only returns them over https.
    with TestClient(create_app(cell=cell), base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def make_user(cell: Cell):  # type: ignore[no-untyped-def]
    """Builder: ``make_user("FRA", "NATO SECRET", caveats=(), role="analyst") -> (User, token)``."""

    def build(
        member: str,
        clearance: str = "NATO SECRET",
        caveats: tuple[str, ...] = (),
        role: str = "analyst",
        name: str | None = None,
    ) -> tuple[User, str]:
        now = cell.clock()
        with cell.db.write() as conn:
            user, _ = users.upsert(
                conn,
                member=member,
                name=name or f"{member.lower()}.{role}.{len(caveats)}",
                clearance=parse_clearance(clearance, frozenset(caveats)),
                role=role,
                is_demo=False,
                now=now,
            )
            _id, token = tokens.issue(conn, user, now, 30)
        return user, token

    return build


@pytest.fixture
def label(cell: Cell):  # type: ignore[no-untyped-def]
    """Builder: ``label("NATO SECRET // REL TO IRQ") -> Label``."""

    def build(text_form: str) -> Label:
        return parse(text_form, cell.vocabulary)

    return build
