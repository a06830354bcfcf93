"""``intelcell collection``: define and list TAXII collections."""

from __future__ import annotations

import click

from intelcell.cli.common import CliError, cell
from intelcell.domain.label import LabelError, parse
from intelcell.exchange import collections as store
from intelcell.exchange.collections import CollectionError
from intelcell.taxii.routes import API_ROOT


@click.group()
def collection() -> None:
    """TAXII collections: who reads and writes them, their default label and release limit."""


@collection.command("create")
@click.option("--title", required=True, help="Collection title.")
@click.option("--alias", help="Short name usable in place of the id in TAXII URLs.")
@click.option("--description", default="", help="What the collection is for.")
@click.option("--default-label", required=True, help="Label of objects submitted without one.")
@click.option("--reader", "readers", multiple=True, required=True, help="Member or community that reads (repeatable).")
@click.option("--writer", "writers", multiple=True, required=True, help="Member or community that writes (repeatable).")
@click.option(
    "--release-limit",
    "limits",
    multiple=True,
    help="Labels may release only within these (repeatable; default: readers).",
)
def create(
    title: str,
    alias: str | None,
    description: str,
    default_label: str,
    readers: tuple[str, ...],
    writers: tuple[str, ...],
    limits: tuple[str, ...],
) -> None:
    """Define a collection and print its id."""
    current = cell()
    try:
        label = parse(default_label, current.vocabulary)
        made = store.create(
            current,
            title=title,
            description=description,
            default_label=label,
            readers=list(readers),
            writers=list(writers),
            release_limit=list(limits or readers),
            alias=alias,
            audit_path="cli: collection create",
        )
    except (LabelError, CollectionError) as exc:
        raise CliError(str(exc)) from None
    click.echo(f"collection {made.title!r}: /taxii2/{API_ROOT}/collections/{made.id}/")
    click.echo(made.id)


@collection.command("list")
def list_() -> None:
    """List collections: id, alias, title, readers, writers, default label."""
    current = cell()
    with current.db.read() as conn:
        found = store.all_collections(conn, current)
    for c in found:
        click.echo(
            "\t".join([c.id, c.alias or "-", c.title, ",".join(c.readers), ",".join(c.writers), c.default_label.text()])
        )
