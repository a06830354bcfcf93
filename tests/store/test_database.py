"""The store: SQLite in WAL mode with foreign keys, migrations idempotent, both dialects alike."""

from __future__ import annotations

import threading

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from intelcell.cell import Cell
from intelcell.store.database import Database, StoreError, normalise_url
from intelcell.store.migrate import alembic_config, upgrade


def test_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")


def test_unsupported_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported"):
        normalise_url("mysql://u@h/db")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(cell: Cell) -> None:
    if not cell.db.is_sqlite:
        pytest.skip("SQLite pragmas only")
    with cell.db.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_migrating_again_is_a_no_op(cell: Cell) -> None:
    upgrade(cell.db)
    with cell.db.read() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    heads = ScriptDirectory.from_config(alembic_config(cell.db)).get_heads()
    assert [current] == heads


def test_foreign_keys_are_enforced(cell: Cell) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), cell.db.write() as conn:
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, token_hash, created_at, expires_at) "
                "VALUES ('t', 999, 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_concurrent_writers_all_commit(cell: Cell) -> None:
    db = Database(cell.settings.database_url)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(10):
                with db.write() as conn:
                    conn.execute(
                        text("INSERT INTO audit_head (id, seq, hash) VALUES (:id, 0, 'x')"),
                        {"id": 1000 + i * 100 + j},
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_head")).scalar_one() == 40
    db.dispose()
    assert errors == []
