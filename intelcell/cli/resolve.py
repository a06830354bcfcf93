"""``intelcell resolve``: link every member's person records into persons, with a progress bar."""

from __future__ import annotations

import click
from tqdm import tqdm

from intelcell.cli.common import cell
from intelcell.fighters import resolution
from intelcell.store import audit
from intelcell.store.audit import AuditEvent


@click.command()
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Scoring processes.")
@click.option("--incremental", is_flag=True, help="Only link records no run has resolved yet.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def resolve(workers: int, incremental: bool, quiet: bool) -> None:
    """Link person records across members (batch), keeping analysts' decisions, and print a summary.

    Pairs scoring at least 0.95 are linked without review, pairs from 0.5 are suggested for the
    review queue; confirmed and rejected pairs stay as analysts decided them.
    """
    current = cell()
    if incremental:
        with current.db.write() as conn:
            update = resolution.resolve_records(current, conn, resolution.unresolved(conn))
        click.echo(f"records: {update.records}")
        click.echo(f"pairs scored: {update.pairs_scored}")
        click.echo(f"links: {update.links}")
        click.echo(f"records re-clustered: {update.clusters_rewritten}")
        mode = "incremental"
    else:
        summary = resolution.resolve(current, progress=None if quiet else tqdm, workers=workers)
        for line in summary.lines():
            click.echo(line)
        mode = "full"
    event = AuditEvent("write", "person.resolve", "cli: resolve", None, None, [], [], {"mode": mode})
    audit.record(current.db, event, current.clock())
