"""``intelcell members`` and ``intelcell communities``: the member registry."""

from __future__ import annotations

import click

from intelcell.cli.common import CliError, settings
from intelcell.datafiles import DataFileError, load


def _registry():  # type: ignore[no-untyped-def]
    current = settings()
    try:
        return load(current.registry_file, current.label_policy_file).registry
    except DataFileError as exc:
        raise CliError(str(exc)) from None


@click.group()
def members() -> None:
    """The cell's members (nations and organisations)."""


@members.command("list")
@click.option("--community", help="Only members of this community (e.g. NATO, COALITION).")
def list_members(community: str | None) -> None:
    """List members: code, name and communities, one per line."""
    registry = _registry()
    codes = sorted(registry.members)
    if community:
        found = registry.communities.get(community.upper())
        if found is None:
            raise CliError(f"unknown community '{community}'")
        codes = sorted(found.members)
    for code in codes:
        member = registry.members[code]
        click.echo(f"{code}\t{member.name}\t{','.join(registry.communities_of(code))}")


@click.group()
def communities() -> None:
    """Communities: named sets of members used in REL TO."""


@communities.command("list")
def list_communities() -> None:
    """List communities: code, size and name."""
    registry = _registry()
    for code in sorted(registry.communities):
        community = registry.communities[code]
        click.echo(f"{code}\t{len(community.members)}\t{community.name}")
