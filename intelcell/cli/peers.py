"""``intelcell peer``: federation with peer TAXII 2.1 servers."""

from __future__ import annotations

import click
import httpx

from intelcell.cli.common import CliError, cell
from intelcell.domain.label import LabelError
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import collections, federation, peers


@click.group()
def peer() -> None:
    """Peer TAXII 2.1 servers this cell pulls from or pushes to."""


@peer.command("add")
@click.option("--name", required=True, help="Local name of the peer.")
@click.option("--direction", type=click.Choice(peers.DIRECTIONS), required=True, help="pull from or push to the peer.")
@click.option("--url", required=True, help="The remote collection URL (…/collections/ID/).")
@click.option("--token", required=True, help="The token the remote server issued to this cell.")
@click.option("--member", required=True, help="pull: the member the peer speaks for; push: the member we push as.")
@click.option("--collection", "collection_ref", required=True, help="Local collection id or alias.")
@click.option("--clearance", required=True, help='Clearance of the federation user, e.g. "NATO SECRET".')
@click.option("--caveat", "caveats", multiple=True, help="Restrictive caveat the federation user holds (repeatable).")
def add(
    name: str,
    direction: str,
    url: str,
    token: str,
    member: str,
    collection_ref: str,
    clearance: str,
    caveats: tuple[str, ...],
) -> None:
    """Configure a peer."""
    current = cell()
    with current.db.read() as conn:
        local = collections.get(conn, current, collection_ref)
    if local is None:
        raise CliError(f"no collection '{collection_ref}'")
    try:
        held = parse_clearance(clearance, frozenset(c.upper() for c in caveats))
        peers.add(
            current,
            name=name,
            direction=direction,
            url=url,
            token=token,
            member=member.upper(),
            collection_id=local.id,
            clearance=held,
        )
    except (LabelError, peers.PeerError) as exc:
        raise CliError(str(exc)) from None
    click.echo(f"peer {name}: {direction} {url} <-> {local.title}")


@peer.command("list")
def list_() -> None:
    """List peers: name, direction, remote URL, member, bookmark, last error (never the token)."""
    for p in peers.all_peers(cell()):
        click.echo("\t".join([p.name, p.direction, p.url, p.member, p.bookmark or "-", p.last_error or "-"]))


@peer.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove a peer: its settings and bookmark go, its federation user's tokens are revoked (audited)."""
    try:
        removed = peers.remove(cell(), name)
    except peers.PeerError as exc:
        raise CliError(str(exc)) from None
    click.echo(
        f"removed peer {removed.name} ({removed.direction} {removed.url}); its federation user's tokens are revoked"
    )


@peer.command("sync")
@click.argument("name")
@click.option("--page-size", type=click.IntRange(1, 1000), default=500, show_default=True)
def sync(name: str, page_size: int) -> None:
    """Run one incremental pull or push for a peer; exit 1 if it stopped on an error (rerun resumes)."""
    current = cell()
    found = peers.get(current, name)
    if found is None:
        raise CliError(f"no peer '{name}'")
    with httpx.Client(timeout=60) as client:
        if found.direction == "pull":
            report = federation.pull(current, found, client, page_size)
        else:
            report = federation.push(current, found, client, page_size)
    click.echo(f"{name}: {report.pages} page(s), {report.stored} stored, {report.failed} refused")
    for failure in report.failures[:20]:
        click.echo(f"  refused {failure.get('id')}: {failure.get('message')}")
    if report.error:
        click.echo(f"{name}: stopped: {report.error} (the next sync resumes from the bookmark)", err=True)
        raise SystemExit(1)
