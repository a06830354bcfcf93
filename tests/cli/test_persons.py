"""``intelcell persons import/export``: FollowTheMoney JSON lines in and out, the whole file checked
before anything is stored, and exports holding only what the viewer may read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.fighters import records
from intelcell.store import audit, users
from tests.fighters.builders import BAD_ENTITIES, SECRET, person, stored_counts
from tests.helpers import user


@pytest.fixture
def run(cell: Cell):  # type: ignore[no-untyped-def]
    """Run ``intelcell ARGS`` against the test store."""

    def invoke(*args: str) -> click.testing.Result:
        return CliRunner().invoke(cli, list(args), env={"INTELCELL_DATABASE_URL": cell.settings.database_url})

    return invoke


def jsonl(path: Path, *lines: Any) -> str:
    """Write entities (or raw text lines) as a JSON lines file; return its path."""
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return str(path)


def one_line_error(result: click.testing.Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("intelcell: error: ")
    return lines[0]


def test_import_loads_every_line_as_a_record_of_the_member(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = jsonl(
        tmp_path / "fra.jsonl",
        person(id="a", name="Abu Bakr al-Baghdadi", birth_date="1971"),
        person(id="b", name="أبو محمد العدناني", nationality="SYR", status="deceased"),
    )
    result = run("persons", "import", file, "--member", "fra", "--label", SECRET)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "imported 2 persons"
    reader = user(cell, "IRQ", "karim")
    with cell.db.read() as conn:
        found = records.get(cell, conn, reader, "FRA-b")
        importer = users.find(conn, "FRA", "importer")
        [entry] = audit.entries_for_object(conn, "FRA-a")
    assert found is not None and found.status == "deceased" and found.label == SECRET
    assert importer is not None
    assert (entry.fields["path"], entry.fields["object_ids"]) == ("cli: persons import", ["FRA-a", "FRA-b"])


def test_importing_a_changed_file_again_versions_only_the_changed_records(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = jsonl(tmp_path / "1.jsonl", person(id="a", name="Omar Hassan"), person(id="b", name="Ali Hassan"))
    second = jsonl(tmp_path / "2.jsonl", person(id="a", name="Omar Hassan"), person(id="b", name="Ali al-Hassan"))
    assert run("persons", "import", first, "--member", "FRA", "--label", SECRET).exit_code == 0
    assert run("persons", "import", second, "--member", "FRA", "--label", SECRET).exit_code == 0
    fra = user(cell, "FRA", "claire")
    with cell.db.read() as conn:
        assert [r.version for r in records.versions(cell, conn, fra, "FRA-a")] == [1]
        assert [r.version for r in records.versions(cell, conn, fra, "FRA-b")] == [1, 2]


def test_a_malformed_json_line_stops_the_import_before_anything_is_stored(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = jsonl(tmp_path / "bad.jsonl", person(id="a"), person(id="b", name="Ali Hassan"), '{"id": "c", "schema": ')
    error = one_line_error(run("persons", "import", file, "--member", "FRA", "--label", SECRET))
    assert "bad.jsonl: line 3: not valid JSON" in error and "nothing imported" in error
    assert stored_counts(cell) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(("bad", "words"), [(e, w) for _n, e, w in BAD_ENTITIES], ids=[n for n, _e, _w in BAD_ENTITIES])
def test_a_bad_entity_stops_the_import_naming_line_and_reason(run, cell: Cell, tmp_path: Path, bad, words) -> None:  # type: ignore[no-untyped-def]
    file = jsonl(tmp_path / "bad.jsonl", person(id="good", name="Omar Hassan"), bad)
    error = one_line_error(run("persons", "import", file, "--member", "FRA", "--label", SECRET))
    assert "line 2" in error and words in error
    assert stored_counts(cell) == (0, 0, 0, 0, 0)


def test_a_label_the_importing_user_may_not_assign_stores_nothing(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    user(cell, "FRA", "remi", "NATO RESTRICTED")
    before = stored_counts(cell)
    file = jsonl(tmp_path / "fra.jsonl", person())
    error = one_line_error(run("persons", "import", file, "--member", "FRA", "--label", SECRET, "--user", "remi"))
    assert "above what you may assign" in error
    assert stored_counts(cell) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--member", "XXX", "--label", SECRET], "unknown member 'XXX'"),
        (["--member", "FRA", "--label", "NATO SEKRET"], "SEKRET"),
        (["--member", "FRA", "--label", SECRET, "--user", "nobody"], "no user 'nobody' of FRA"),
    ],
)
def test_import_refuses_bad_options_with_one_line(run, cell: Cell, tmp_path: Path, args, message) -> None:  # type: ignore[no-untyped-def]
    file = jsonl(tmp_path / "fra.jsonl", person())
    assert message in one_line_error(run("persons", "import", file, *args))
    assert stored_counts(cell)[0] == 0


def test_an_empty_file_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = jsonl(tmp_path / "empty.jsonl", "")
    assert "no entities" in one_line_error(run("persons", "import", file, "--member", "FRA", "--label", SECRET))


def test_import_as_a_named_user_records_them_as_submitter(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    user(cell, "FRA", "claire")
    file = jsonl(tmp_path / "fra.jsonl", person())
    assert run("persons", "import", file, "--member", "FRA", "--label", SECRET, "--user", "claire").exit_code == 0
    with cell.db.read() as conn:
        [entry] = audit.entries_for_object(conn, "FRA-ftf-1")
        assert users.find(conn, "FRA", "importer") is None
    assert (entry.fields["member"], entry.fields["user"]) == ("FRA", "claire")


def test_export_writes_only_records_the_viewer_may_read(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records.submit(cell, user(cell, "FRA", "claire"), [person(id="coalition", name="Ali Hassan")], SECRET)
    records.submit(cell, user(cell, "FRA", "claire"), [person(id="allies", name="Omar Hassan")], "NATO SECRET")
    records.submit(cell, user(cell, "FRA", "claire"), [person(id="low", name="Umar Khalid")], "NATO RESTRICTED")
    out = tmp_path / "out.jsonl"
    result = run("persons", "export", "--member", "IRQ", "--clearance", "NATO SECRET", "--out", str(out))
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["id"] for e in exported] == ["FRA-coalition"]  # not NATO-only, not anything of another reader
    assert exported[0]["intelcell"]["member"] == "FRA" and exported[0]["schema"] == "Person"
    low = run("persons", "export", "--member", "IRQ")  # default clearance: NATO UNCLASSIFIED
    assert low.exit_code == 0 and low.output == ""
    fra = run("persons", "export", "--member", "FRA", "--clearance", "NATO RESTRICTED")
    assert [json.loads(line)["id"] for line in fra.output.splitlines()] == ["FRA-low"]


def test_an_exported_file_imports_again(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records.submit(cell, user(cell, "FRA", "claire"), [person(birth_date="1971-07", nationality="IRQ")], SECRET)
    exported = run("persons", "export", "--member", "FRA", "--clearance", "NATO SECRET").output
    (tmp_path / "again.jsonl").write_text(exported)
    result = run("persons", "import", str(tmp_path / "again.jsonl"), "--member", "JOR", "--label", SECRET)
    assert result.output.strip() == "imported 1 persons"


def test_export_is_audited_as_a_read(run, cell: Cell) -> None:  # type: ignore[no-untyped-def]
    records.submit(cell, user(cell, "FRA", "claire"), [person()], SECRET)
    assert run("persons", "export", "--member", "IRQ", "--clearance", "NATO SECRET").exit_code == 0
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, "FRA-ftf-1")
    assert [e.fields["operation"] for e in entries] == ["person.add", "person.export"]
