"""``intelcell audit``: check the tamper-evident audit chain."""

from __future__ import annotations

import sys

import click

from intelcell.cli.common import cell
from intelcell.store import audit as audit_store


@click.group()
def audit() -> None:
    """The audit trail."""


@audit.command()
def verify() -> None:
    """Exit 0 when the audit chain is intact; otherwise name the first broken entry and exit 1."""
    current = cell()
    with current.db.read() as conn:
        broken = audit_store.verify(conn)
        total = audit_store.count(conn)
    if broken is not None:
        click.echo(f"audit chain BROKEN at {broken}", err=True)
        sys.exit(1)
    click.echo(f"audit chain intact: {total} entries")
