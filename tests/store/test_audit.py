"""The stored audit trail: tampering directly in the database makes `intelcell audit verify` fail."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.store import audit
from intelcell.store.audit import AuditEvent


def record_some(cell: Cell, n: int = 5) -> None:
    for i in range(n):
        event = AuditEvent(
            "read",
            "object.read",
            "GET /api/v1/objects/x",
            "FRA",
            f"user{i}",
            [f"report--{i}"],
            ["NATO SECRET"],
        )
        audit.record(cell.db, event, cell.clock())


def verify_cli(cell: Cell) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", "verify"], env={"INTELCELL_DATABASE_URL": cell.settings.database_url})
    return result.exit_code, result.output


def test_intact_chain_verifies_with_exit_0(cell: Cell) -> None:
    record_some(cell)
    code, out = verify_cli(cell)
    assert code == 0 and "intact: 5 entries" in out


def test_an_edited_row_fails_verify_and_is_named(cell: Cell) -> None:
    record_some(cell)
    with cell.db.write() as conn:
        fields = json.loads(conn.execute(text("SELECT fields FROM audit_log WHERE seq = 3")).scalar_one())
        fields["user"] = "someone-else"
        conn.execute(text("UPDATE audit_log SET fields = :f WHERE seq = 3"), {"f": json.dumps(fields)})
    code, out = verify_cli(cell)
    assert code == 1 and "audit entry 3" in out and "edited" in out


def test_a_deleted_row_fails_verify_and_is_named(cell: Cell) -> None:
    record_some(cell)
    with cell.db.write() as conn:
        conn.execute(text("DELETE FROM audit_objects WHERE seq = 2"))
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    code, out = verify_cli(cell)
    assert code == 1 and "audit entry 3" in out and "expected entry 2" in out


def test_reordered_rows_fail_verify(cell: Cell) -> None:
    record_some(cell)
    with cell.db.write() as conn:
        conn.execute(text("DELETE FROM audit_objects"))
        conn.execute(text("UPDATE audit_log SET seq = 100 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_log SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_log SET seq = 3 WHERE seq = 100"))
    code, out = verify_cli(cell)
    assert code == 1 and "audit entry 2" in out


def test_truncating_the_newest_rows_fails_verify(cell: Cell) -> None:
    record_some(cell)
    with cell.db.write() as conn:
        conn.execute(text("DELETE FROM audit_objects WHERE seq >= 4"))
        conn.execute(text("DELETE FROM audit_log WHERE seq >= 4"))
    code, out = verify_cli(cell)
    assert code == 1 and "audit entry 4" in out


def test_entries_are_found_by_object_id(cell: Cell) -> None:
    record_some(cell, 3)
    with cell.db.read() as conn:
        found = audit.entries_for_object(conn, "report--1")
    assert [e.fields["user"] for e in found] == ["user1"]


def test_a_failed_write_leaves_no_audit_entry(cell: Cell) -> None:
    with pytest.raises(RuntimeError), cell.db.write() as conn:
        audit.append(conn, AuditEvent("write", "x", "test", "FRA", "u"), cell.clock())
        raise RuntimeError("the write this entry belonged to failed")
    with cell.db.read() as conn:
        assert audit.count(conn) == 0 and audit.verify(conn) is None


def test_unknown_action_is_refused(cell: Cell) -> None:
    with pytest.raises(ValueError, match="action"), cell.db.write() as conn:
        audit.append(conn, AuditEvent("delete", "x", "test", None, None), cell.clock())
