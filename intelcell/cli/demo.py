"""``intelcell demo``: load the demo scenario and print demo users with their tokens."""

from __future__ import annotations

import click

from intelcell.cli.common import cell
from intelcell.demo import scenario


@click.command()
def demo() -> None:
    """Load the demo scenario into the configured store and print each demo user and token.

    Safe to run again: content is loaded once; every run revokes the previous demo tokens and
    issues new ones. Demo users are marked as demo users everywhere they appear.
    """
    current = cell()
    issued = scenario.load(current)
    click.echo(f"Demo scenario loaded into {current.db.engine.url.render_as_string(hide_password=True)}")
    click.echo("DEMO USERS (demo credentials, never for real use):")
    for item in issued:
        u = item.user
        caveats = ",".join(u.caveats) or "-"
        click.echo(f"  {u.member:<5} {u.name:<17} {u.role:<12} {u.clearance:<20} caveats={caveats:<13} {u.note}")
        click.echo(f"        token: {item.token}")
    click.echo(
        "Next: `intelcell serve`, then e.g. curl -H 'Authorization: Bearer TOKEN' http://127.0.0.1:8000/api/v1/objects"
    )
