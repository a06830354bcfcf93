"""``intelcell screen NAME``: explained results for the screening user, hits for what they may not read."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.fighters import records
from tests.fighters.builders import person
from tests.helpers import user


@pytest.fixture
def run(cell: Cell):  # type: ignore[no-untyped-def]
    """Run ``intelcell ARGS`` against the test store."""

    def invoke(*args: str) -> click.testing.Result:
        return CliRunner().invoke(cli, list(args), env={"INTELCELL_DATABASE_URL": cell.settings.database_url})

    return invoke


@pytest.fixture
def stored(cell: Cell) -> None:
    """A shared record of al-Baghdadi in Arabic script and a French national one."""
    fra = user(cell, "FRA", "claire")
    records.submit(cell, fra, [person("b1", "أبو بكر البغدادي", birth_date="1971")], "NATO SECRET // REL TO COALITION")
    records.submit(cell, fra, [person("b2", "Abu Bakr al-Baghdadi", birth_date="1971-07-28")], "FRA SECRET")


def test_screen_explains_readable_results_and_reports_hits(run, stored: None) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "screen", "Abou Bakr Al Baghdadi", "--birth-date", "1971", "--member", "IRQ", "--clearance", "NATO SECRET"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("screened as IRQ screener (NATO SECRET): 1 readable candidate")
    assert any("MATCH" in line and "FRA-b1" in line for line in lines)
    assert any("name_similar" in line and "bakr" in line for line in lines)
    assert "FRA-b2" not in result.output and "1971-07-28" not in result.output
    assert sum(line.startswith("HIT") for line in lines) == 1


def test_screen_as_the_holder_shows_the_national_record(run, stored: None) -> None:  # type: ignore[no-untyped-def]
    result = run("screen", "Abu Bakr al-Baghdadi", "--member", "FRA", "--clearance", "NATO SECRET")
    assert result.exit_code == 0, result.output
    assert "FRA-b2" in result.output and "HIT" not in result.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("!!!",), "no letters"),
        (("Ali", "--birth-date", "1971-13-40"), "1971-13-40"),
        (("Ali", "--nationality", "xx"), "not a country"),
        (("Ali", "--member", "XYZ"), "unknown member"),
        (("Ali", "--clearance", "SUPER SECRET"), "super secret"),
    ],
)
def test_screen_refuses_bad_input_in_one_line(run, args: tuple[str, ...], reason: str) -> None:  # type: ignore[no-untyped-def]
    result = run("screen", *args)
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("intelcell: error: ")
    assert reason in line.lower()
