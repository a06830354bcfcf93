"""The command line: DESIGN.md's binding commands, their --help, and one-line errors with exit code 2."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.store import tokens
from tests.helpers import bearer


@pytest.fixture
def run(cell: Cell):  # type: ignore[no-untyped-def]
    """Run ``intelcell ARGS`` against the test store."""

    def invoke(*args: str) -> click.testing.Result:
        return CliRunner().invoke(cli, list(args), env={"INTELCELL_DATABASE_URL": cell.settings.database_url})

    return invoke


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(cli), ids=lambda p: " ".join(p) or "intelcell")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_token_create_prints_a_working_token_on_its_last_line(run, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "token",
        "create",
        "--member",
        "FRA",
        "--user",
        "claire",
        "--clearance",
        "NATO SECRET",
        "--caveat",
        "ATOMAL",
        "--role",
        "coordinator",
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me == {
        "member": "FRA",
        "name": "claire",
        "clearance": "NATO SECRET",
        "caveats": ["ATOMAL"],
        "role": "coordinator",
        "demo": False,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--member", "XXX", "--user", "a", "--clearance", "NATO SECRET"], "unknown member 'XXX'"),
        (["--member", "FRA", "--user", "a", "--clearance", "FRA SECRET"], "not a NATO level"),
        (
            ["--member", "FRA", "--user", "a", "--clearance", "NATO SECRET", "--caveat", "ORCON"],
            "unknown caveat",
        ),
        (["--member", "FRA", "--user", "a", "--clearance", "NATO SECRET", "--days", "0"], "at least 1"),
        (["--member", "FRA", "--user", " ", "--clearance", "NATO SECRET"], "user name"),
        (["--member", "FRA", "--user", "a", "--clearance", "NATO SECRET", "--role", "king"], "king"),
        (["--member", "FRA", "--clearance", "NATO SECRET"], "--user"),
    ],
)
def test_token_create_refuses_bad_input_with_exit_2_and_stores_nothing(run, cell: Cell, args, message) -> None:  # type: ignore[no-untyped-def]
    result = run("token", "create", *args)
    assert result.exit_code == 2 and message in result.output
    with cell.db.read() as conn:
        assert tokens.list_tokens(conn) == []


def test_token_list_and_revoke(run, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    token = run("token", "create", "--member", "DEU", "--user", "d", "--clearance", "NATO RESTRICTED").output
    token = token.strip().splitlines()[-1]
    listing = run("token", "list").output
    token_id = listing.split("\t")[0]
    assert "DEU/d" in listing and "live" in listing and token not in listing
    assert run("token", "revoke", token_id).exit_code == 0
    assert "revoked" in run("token", "list", "--member", "DEU").output
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    again = run("token", "revoke", token_id)
    assert again.exit_code == 2 and "no live token" in again.output


def test_members_list_shows_code_name_and_communities(run) -> None:  # type: ignore[no-untyped-def]
    lines = run("members", "list").output.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert rows["IRQ"] == ["IRQ", "Iraq", "COALITION,LEVANT"]
    assert rows["FRA"][2] == "COALITION,LEVANT,NATO,SAHEL"
    assert len(run("members", "list", "--community", "NATO").output.splitlines()) == 33
    assert run("members", "list", "--community", "NOPE").exit_code == 2


def test_communities_list(run) -> None:  # type: ignore[no-untyped-def]
    out = run("communities", "list").output
    assert "COALITION\t87\t" in out and "NATO\t33\t" in out


def test_demo_prints_every_demo_user_with_a_working_token(run, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    first = run("demo")
    assert first.exit_code == 0, first.output
    tokens_printed = [line.split("token: ")[1] for line in first.output.splitlines() if "token: " in line]
    assert len(tokens_printed) == 8 and "demo" in first.output.lower()
    for token in tokens_printed:
        me = client.get("/api/v1/me", headers=bearer(token)).json()
        assert me["demo"] is True
    again = run("demo")  # idempotent content, fresh tokens; the old ones are revoked
    assert again.exit_code == 0
    assert client.get("/api/v1/me", headers=bearer(tokens_printed[0])).status_code == 401
    objects = client.get("/api/v1/objects", headers=bearer(again.output.split("token: ")[1].split()[0]))
    assert len(objects.json()["objects"]) >= 4


def test_malformed_setting_is_a_one_line_error(cell: Cell) -> None:
    env = {"INTELCELL_DATABASE_URL": cell.settings.database_url, "INTELCELL_TOKEN_DAYS": "many"}
    result = CliRunner().invoke(cli, ["token", "list"], env=env)
    assert result.exit_code == 2 and "INTELCELL_TOKEN_DAYS must be an integer" in result.output


def test_settings_markdown_lists_every_variable() -> None:
    out = CliRunner().invoke(cli, ["settings", "--markdown"]).output
    assert "`INTELCELL_DATABASE_URL`" in out and "`INTELCELL_MAX_BODY_BYTES`" in out


@pytest.mark.parametrize(
    "args",
    [
        ["token", "create", "--member", "FRA"],
        ["token", "create", "--member", "FRA", "--user", "a", "--clearance", "NATO SECRET", "--role", "x"],
        ["members", "list", "--community", "NOPE"],
        ["no-such-command"],
        ["token", "revoke"],
    ],
)
def test_usage_errors_are_one_line_with_exit_2(run, args) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("intelcell: error:")


def test_peer_remove_deletes_the_peer_and_revokes_its_user(run, cell: Cell, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    from intelcell.exchange import peers
    from tests.helpers import coalition_collection

    coalition_collection(cell, alias="coalition")
    added = run(
        "peer", "add", "--name", "fra", "--direction", "pull", "--url", "https://fra.example/taxii2/c/x/",
        "--token", "remote-secret", "--member", "FRA", "--collection", "coalition", "--clearance", "NATO SECRET",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    peer = peers.get(cell, "fra")
    assert peer is not None
    with cell.db.write() as conn:
        _id, token = tokens.issue(conn, peers.user_of(conn, peer), cell.clock(), 30)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200

    result = run("peer", "remove", "fra")
    assert result.exit_code == 0, result.output
    assert "removed peer fra" in result.output and "remote-secret" not in result.output
    assert run("peer", "list").output == ""
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401

    again = run("peer", "remove", "fra")
    assert again.exit_code == 2 and "no peer 'fra'" in again.output
    assert len(again.output.strip().splitlines()) == 1


def test_peer_remove_help_says_what_it_does() -> None:
    result = CliRunner().invoke(cli, ["peer", "remove", "--help"])
    assert result.exit_code == 0 and "NAME" in result.output and "Remove a peer" in result.output
