"""``intelcell oversight summary|report``: the coordinator's figures and PDF from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.testing import CliRunner

from intelcell.cell import Cell
from intelcell.cli.main import cli
from tests.oversight.conftest import World, world  # noqa: F401  (the hand-counted world fixture)


def run(cell: Cell, *args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), env={"INTELCELL_DATABASE_URL": cell.settings.database_url})


def test_the_summary_is_printed_as_the_named_user_sees_it(cell: Cell, world: World) -> None:  # noqa: F811
    coordinator = world.coordinator[0]
    result = run(cell, "oversight", "summary", "--period", "2026", "--member", "NATO", "--user", coordinator.name)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["label"] == "NATO SECRET // REL TO COALITION"
    assert body["totals"]["rfis_answered"] == 3
    low = run(cell, "oversight", "summary", "--period", "2026", "--member", "DEU", "--user", world.deu[0].name, "--csv")
    assert low.exit_code == 0
    assert low.output.splitlines()[0] == "period,member,measure,source,unit,value,label"
    assert "SECRET" not in low.output


def test_the_report_is_written_to_a_file(cell: Cell, world: World, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "report.pdf"
    args = ("oversight", "report", "--period", "2026-Q1", "--user", world.coordinator[0].name, "--out", str(out))
    result = run(cell, *args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert result.output.strip().endswith("NATO SECRET // REL TO COALITION")


def test_an_unknown_user_or_a_bad_period_is_one_line_with_exit_code_2(cell: Cell) -> None:
    missing = run(cell, "oversight", "summary", "--period", "2026", "--user", "nobody")
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output
    backwards = run(cell, "oversight", "summary", "--period", "2026-09-30/2026-07-01")
    assert backwards.exit_code == 2 and "before it starts" in backwards.output
