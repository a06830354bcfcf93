"""``intelcell upload``: the browser's checks and report from the command line, for person records (JSON lines,
CSV) and STIX bundles; one problem stores nothing unless ``--partial``, and the same file is stored once."""

from __future__ import annotations

import uuid
from pathlib import Path

import click
import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.domain.label import parse
from intelcell.exchange import collections
from intelcell.store.schema import objects, persons
from tests.fighters.builders import person
from tests.taxii.conftest import sdo
from tests.web.test_pages import MakeUser

LABEL = "NATO SECRET // REL TO COALITION"


@pytest.fixture
def run(cell: Cell, make_user: MakeUser):  # type: ignore[no-untyped-def]
    """Run ``intelcell upload ARGS --member FRA --user fra.cli`` against the test store."""
    make_user("FRA", "NATO SECRET", name="fra.cli")

    def invoke(*args: str) -> click.testing.Result:
        return CliRunner().invoke(
            cli,
            ["upload", *args, "--member", "FRA", "--user", "fra.cli"],
            env={"INTELCELL_DATABASE_URL": cell.settings.database_url},
        )

    return invoke


def count(cell: Cell, table: object) -> int:
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def last_line(result: click.testing.Result) -> str:
    assert result.exit_code == 2, result.output
    return result.output.strip().splitlines()[-1]


def test_json_lines_are_checked_whole_stored_once_and_partial_only_when_asked(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "fra.jsonl"
    file.write_bytes(orjson.dumps(person(id="a", name="Omar Haddad")) + b"\nnot json\n")
    refused = run(str(file), "--format", "ftm", "--label", LABEL)
    assert "line 2, column 1: not valid JSON" in refused.output
    assert last_line(refused).startswith("intelcell: error: fra.jsonl: 1 of 2 lines cannot be stored; nothing stored")
    assert count(cell, persons) == 0
    stored = run(str(file), "--format", "ftm", "--label", LABEL, "--partial")
    assert stored.exit_code == 0, stored.output
    assert "stored 1 person records, 1 lines left out" in stored.output and count(cell, persons) == 1
    again = run(str(file), "--format", "ftm", "--label", LABEL, "--partial")
    assert "was already uploaded by fra.cli on" in last_line(again) and count(cell, persons) == 1


def test_csv_rows_are_mapped_by_guess_and_by_map_options(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "fra.csv"
    file.write_text("Full name,Code,Born\nOmar Haddad,X1,1987\nعلي حسن,X2,1990-02\n", encoding="utf-8")
    result = run(str(file), "--format", "csv", "--label", LABEL, "--map", "Code=id")
    assert result.exit_code == 0, result.output
    assert "mapping: Full name=name, Code=id, Born=birthDate" in result.output
    with cell.db.read() as conn:
        ids = set(conn.execute(select(persons.c.id)).scalars())
    assert ids == {"FRA-X1", "FRA-X2"}
    unknown = run(str(file), "--format", "csv", "--label", LABEL, "--map", "Nope=id")
    assert "column 'Nope' is not in the header" in last_line(unknown)
    no_name = run(str(file), "--format", "csv", "--label", LABEL, "--map", "Full name=ignore")
    assert "No column is mapped to name" in last_line(no_name)


def test_a_windows_1256_csv_is_refused_unless_its_encoding_is_given(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "irq.csv"
    file.write_bytes("name\nعمر حداد\n".encode("cp1256"))
    refused = run(str(file), "--format", "csv", "--label", LABEL)
    assert "it looks like Windows-1256 (Arabic)" in last_line(refused) and count(cell, persons) == 0
    stored = run(str(file), "--format", "csv", "--label", LABEL, "--encoding", "cp1256")
    assert stored.exit_code == 0, stored.output
    with cell.db.read() as conn:
        [entity] = conn.execute(select(persons.c.entity)).scalars()
    assert orjson.loads(entity)["properties"]["name"] == ["عمر حداد"]


def test_a_label_above_the_users_clearance_stores_nothing(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "fra.jsonl"
    file.write_bytes(orjson.dumps(person(id="a", name="Omar Haddad")) + b"\n")
    result = run(str(file), "--format", "ftm", "--label", "COSMIC TOP SECRET")
    assert "nothing stored" in last_line(result) and count(cell, persons) == 0


def test_a_stix_bundle_goes_through_ingest_into_a_writable_collection_only(run, cell: Cell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shared = collections.create(
        cell, title="Shared", description="t", alias="shared",
        default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary), readers=["COALITION"],
        writers=["COALITION"], release_limit=["COALITION"], audit_path="test",
    ).id  # fmt: skip
    file = tmp_path / "bundle.json"
    broken = {**sdo(), "modified": "not a time"}
    file.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [sdo(), broken]}))
    refused = run(str(file), "--format", "stix", "--collection", "shared")
    assert f"object 2 (threat-actor {broken['id']}):" in refused.output
    assert "1 of 2 objects cannot be stored; nothing stored" in last_line(refused) and count(cell, objects) == 0
    stored = run(str(file), "--format", "stix", "--collection", shared, "--partial")
    assert stored.exit_code == 0 and "stored 1 objects in 'Shared'" in stored.output and count(cell, objects) == 1
    again = run(str(file), "--format", "stix", "--collection", shared, "--partial")
    assert "already stored in 'Shared'" in last_line(again) and count(cell, objects) == 1
    nowhere = run(str(file), "--format", "stix", "--collection", "no-such")
    assert last_line(nowhere) == "intelcell: error: no collection 'no-such' that FRA may write to"
