"""The docs stay true: README's configuration table and CLI snippets match the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from intelcell.cli.main import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_configuration_table_is_generated_from_settings() -> None:
    table = CliRunner().invoke(cli, ["settings", "--markdown"]).output.strip()
    assert table in README


def _cli_snippets() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return [re.sub(r"^\.venv/bin/", "", line) for line in lines if re.match(r"^(\.venv/bin/)?intelcell ", line)]


@pytest.mark.parametrize("snippet", _cli_snippets())
def test_every_cli_snippet_in_the_readme_names_a_real_command(snippet: str) -> None:
    words = [w for w in shlex.split(snippet)[1:] if not w.startswith(("-", "[")) and w.isidentifier()]
    groups = {"token", "members", "communities", "audit", "collection", "peer", "persons", "airpicture", "oversight"}
    command = words[:2] if words and words[0] in groups else words[:1]
    if command[:2] in (["airpicture", "sensors"], ["airpicture", "areas"]):
        command = words[:3]  # groups within the airpicture group
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, f"{snippet}: {result.output}"
    for option in re.findall(r"(--[a-z-]+)", snippet):
        assert option in result.output, f"{snippet}: {option} is not an option of intelcell {' '.join(command)}"


def test_architecture_names_files_that_exist() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    for path in re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.(?:py|yaml))`", text):
        candidates = [ROOT / "intelcell" / path, ROOT / path]
        assert any(c.exists() for c in candidates), f"ARCHITECTURE.md names missing file {path}"
