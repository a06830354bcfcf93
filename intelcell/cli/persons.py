"""``intelcell persons``: import and export FollowTheMoney ``Person`` records as JSON lines."""

from __future__ import annotations

from typing import IO

import click
import orjson

from intelcell.cell import Cell
from intelcell.cli.common import CliError, cell
from intelcell.domain.label import Label, LabelError, parse
from intelcell.domain.policy import Clearance, Viewer, parse_clearance
from intelcell.fighters import records
from intelcell.fighters.entities import EntityError, json_lines, validate_all
from intelcell.fighters.records import SubmitError
from intelcell.store import audit, users
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User

IMPORTER = "importer"
BATCH = 2000  # records per transaction: the server's writers wait at most one batch


@click.group()
def persons() -> None:
    """Person records (foreign terrorist fighters) as FollowTheMoney JSON lines."""


def _member(current: Cell, member: str) -> str:
    member = member.upper()
    if member not in current.registry.members:
        raise CliError(f"unknown member '{member}': see `intelcell members list`")
    return member


def _importer(current: Cell, member: str, name: str | None, label: Label) -> User:
    """The user the import acts as: ``name`` of ``member``, or the member's ``importer`` service user.

    The service user is created (or updated) with just the clearance and caveats the label needs:
    whoever runs the CLI holds the store, so the label is theirs to choose.
    """
    if name is not None:
        with current.db.read() as conn:
            found = users.find(conn, member, name)
        if found is None:
            raise CliError(f"no user '{name}' of {member} (create one with `intelcell token create`)")
        return found
    with current.db.write() as conn:
        made, _changed = users.upsert(
            conn,
            member=member,
            name=IMPORTER,
            clearance=Clearance(label.level, label.restrictive_caveats),
            role="analyst",
            is_demo=False,
            now=current.clock(),
        )
    return made


@persons.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--member", required=True, help="Member the records belong to, e.g. FRA.")
@click.option("--label", "label_text", required=True, help='Label of every record, e.g. "NATO SECRET".')
@click.option("--user", "name", help=f"Import as this user of the member (default: service user '{IMPORTER}').")
@click.option("--not-discoverable", is_flag=True, help="A screening hit on these records discloses nothing at all.")
@click.option("--disclose-holder", is_flag=True, help="A screening hit on these records may name the member.")
def import_(
    file: IO[bytes], member: str, label_text: str, name: str | None, not_discoverable: bool, disclose_holder: bool
) -> None:
    """Load FollowTheMoney Person entities, one JSON object per line.

    The whole file is checked before anything is stored: one bad line stops the import, naming
    the line, entity id and property. Record ids are MEMBER-ENTITYID; an id imported again
    becomes a new version.
    """
    current = cell()
    member = _member(current, member)
    try:
        label = parse(label_text, current.vocabulary)
    except LabelError as exc:
        raise CliError(str(exc)) from None
    try:
        valid = validate_all(json_lines(file))
    except EntityError as exc:
        raise CliError(f"{file.name}: {exc.reason}; nothing imported") from None
    if not valid:
        raise CliError(f"{file.name}: no entities; nothing imported")
    user = _importer(current, member, name, label)
    try:
        label = records.assignable_label(current, user, label_text)
    except SubmitError as exc:
        raise CliError(f"{exc.reason}; nothing imported") from None
    stored = records.store(
        current,
        user,
        valid,
        label,
        discoverable=not not_discoverable,
        disclose_holder=disclose_holder,
        path="cli: persons import",
        batch_size=BATCH,
    )
    click.echo(f"imported {len(stored)} persons")


@persons.command("export")
@click.option("--member", required=True, help="Export what a user of this member may read.")
@click.option(
    "--clearance", default="NATO UNCLASSIFIED", show_default=True, help='The viewer\'s clearance, e.g. "NATO SECRET".'
)
@click.option("--caveat", "caveats", multiple=True, help="A restrictive caveat the viewer holds (repeatable).")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", help="Output file (default: stdout).")
def export(member: str, clearance: str, caveats: tuple[str, ...], out: IO[str]) -> None:
    """Write the current records the given viewer may read as FollowTheMoney JSON lines, with provenance."""
    current = cell()
    member = _member(current, member)
    held = frozenset(c.upper() for c in caveats)
    unknown = held - current.vocabulary.restrictive_caveats
    if unknown:
        raise CliError(f"unknown caveat(s) {', '.join(sorted(unknown))}")
    try:
        viewer = Viewer(member, parse_clearance(clearance, held))
    except LabelError as exc:
        raise CliError(str(exc)) from None
    ids: list[str] = []
    labels: set[str] = set()
    with current.db.read() as conn:
        for entity in records.export(current, conn, viewer):
            out.write(orjson.dumps(entity).decode() + "\n")
            ids.append(entity["id"])
            labels.add(entity["intelcell"]["label"])
    if ids:
        event = AuditEvent("read", "person.export", "cli: persons export", member, None, ids, sorted(labels))
        audit.record(current.db, event, current.clock())
