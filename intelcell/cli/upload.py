"""``intelcell upload``: a file of person records (FollowTheMoney JSON lines or CSV) or a STIX bundle, checked whole.

The same checks and report as the browser's upload (`web.upload_pages`), acting as a named user
of a member: every line, row or object is checked first and every problem printed with its
number; one problem stores nothing (exit 2) unless ``--partial`` stores the valid ones. Person
records are recorded in ``person_uploads`` like the browser's, so the same file is refused the
second time whichever way it came; a STIX bundle goes through TAXII's ingest. There is no body
limit here: this is the way in for a file too large for the browser.
"""

from __future__ import annotations

from pathlib import Path

import click

from intelcell.cell import Cell
from intelcell.cli.common import CliError, cell
from intelcell.domain.label import Label
from intelcell.exchange import bundle_upload, collections
from intelcell.fighters import csv_records, records, upload_jobs, uploads
from intelcell.fighters.csv_records import ENCODINGS, MappingError
from intelcell.fighters.records import SubmitError
from intelcell.fighters.upload_jobs import AlreadyUploaded
from intelcell.fighters.uploads import Report, UploadError
from intelcell.store import users
from intelcell.store.users import User

PATH = "cli: upload"


def _user(current: Cell, member: str, name: str) -> User:
    member = member.upper()
    if member not in current.registry.members:
        raise CliError(f"unknown member '{member}': see `intelcell members list`")
    with current.db.read() as conn:
        found = users.find(conn, member, name)
    if found is None:
        raise CliError(f"no user '{name}' of {member} (create one with `intelcell token create`)")
    return found


def _mapping(table: csv_records.Table, pairs: tuple[str, ...]) -> list[str]:
    """The guessed mapping with each ``--map COLUMN=PROPERTY`` applied (an empty property ignores the column)."""
    mapping = csv_records.guess(table.header)
    for pair in pairs:
        column, sep, prop = pair.partition("=")
        if not sep:
            raise CliError(f"--map {pair!r}: expected COLUMN=PROPERTY, e.g. --map 'Full name=name'")
        matches = [i for i, name in enumerate(table.header) if name == column.strip()]
        if len(matches) != 1:
            found = "is not" if not matches else "is more than once"
            raise CliError(
                f"--map {pair!r}: column {column.strip()!r} {found} in the header ({', '.join(table.header)})"
            )
        mapping[matches[0]] = "" if prop.strip() in ("", "ignore") else prop.strip()
    return mapping


def _refuse(file: Path, bad: int, total: int, unit: str) -> CliError:
    return CliError(
        f"{file.name}: {bad} of {total} {unit}s cannot be stored; nothing stored (--partial stores the valid ones)"
    )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--member", required=True, help="Member the upload belongs to, e.g. FRA.")
@click.option("--user", "name", required=True, help="Upload as this user of the member (its clearance applies).")
@click.option(
    "--format",
    "kind",
    type=click.Choice(["ftm", "csv", "stix"]),
    required=True,
    help="ftm: FollowTheMoney JSON lines; csv: person records, one per row; stix: a STIX 2.1 bundle.",
)
@click.option("--label", "label_text", help='Label of every person record (ftm, csv), e.g. "NATO SECRET".')
@click.option("--collection", help="Collection id or alias a STIX bundle goes into (stix).")
@click.option("--map", "pairs", multiple=True, help="CSV: COLUMN=PROPERTY, over the mapping guessed from the header.")
@click.option(
    "--encoding", type=click.Choice(list(ENCODINGS)), default="utf-8", show_default=True, help="Encoding of a CSV file."
)
@click.option("--partial", is_flag=True, help="Store the valid lines (rows, objects) and leave out the others.")
@click.option("--not-discoverable", is_flag=True, help="A screening hit on these records discloses nothing at all.")
@click.option("--disclose-holder", is_flag=True, help="A screening hit on these records may name the member.")
def upload(
    file: Path,
    member: str,
    name: str,
    kind: str,
    label_text: str | None,
    collection: str | None,
    pairs: tuple[str, ...],
    encoding: str,
    partial: bool,
    not_discoverable: bool,
    disclose_holder: bool,
) -> None:
    """Check a whole file, print every problem with its line, row or object number, then store it.

    Person records are stored under --label as MEMBER-ENTITYID (CSV rows without an id column get
    an id made of the file's hash and the row number); a STIX bundle's objects keep their own
    labels in --collection. One problem stores nothing unless --partial is given.
    """
    current = cell()
    user = _user(current, member, name)
    data = file.read_bytes()
    if kind == "stix":
        _upload_bundle(current, user, file, data, collection, partial)
        return
    if not label_text:
        raise CliError("--label is required for person records (--format ftm or csv)")
    try:
        label = records.assignable_label(current, user, label_text)
    except SubmitError as exc:
        raise CliError(f"{exc.reason}; nothing stored") from None
    try:
        if kind == "csv":
            table = csv_records.read(data, encoding)
            mapping = _mapping(table, pairs)
            shown = (f"{c or '?'}={m or 'ignore'}" for c, m in zip(table.header, mapping, strict=True))
            click.echo("mapping: " + ", ".join(shown))
            report = csv_records.check(data, encoding, mapping, table)
        else:
            report = uploads.check(data)
    except (UploadError, MappingError) as exc:
        raise CliError(f"{file.name}: {exc}") from None
    _store_records(current, user, file, report, label, partial, (not not_discoverable, disclose_holder), kind)


def _store_records(
    current: Cell,
    user: User,
    file: Path,
    report: Report,
    label: Label,
    partial: bool,
    options: tuple[bool, bool],
    kind: str,
) -> None:
    unit = "row" if kind == "csv" else "line"
    for problem in report.problems:
        click.echo(problem.reason)  # each names its line or row
    if report.problems and not partial:
        raise _refuse(file, len(report.problems), report.lines, unit)
    if not report.valid:
        raise CliError(f"{file.name}: no valid {unit}; nothing stored")
    try:
        upload_id = upload_jobs.record(current, user, report, label, file.name, partial=partial)
    except AlreadyUploaded as exc:
        earlier = exc.upload
        when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC")
        raise CliError(
            f"{file.name} was already uploaded by {earlier.by} on {when} (upload {earlier.id}); not stored again"
        ) from None
    stored = upload_jobs.run(current, user, upload_id, report.valid, label, options, PATH)
    if stored < len(report.valid):
        raise CliError(
            f"{file.name}: storing stopped after {stored} of {len(report.valid)} records; "
            "run it again to store the rest"
        )
    skipped = f", {len(report.problems)} {unit}s left out" if report.problems else ""
    click.echo(f"stored {stored} person records{skipped} (upload {upload_id})")


def _upload_bundle(
    current: Cell, user: User, file: Path, data: bytes, collection_id: str | None, partial: bool
) -> None:
    if not collection_id:
        raise CliError("--collection is required for a STIX bundle (--format stix)")
    with current.db.read() as conn:
        target = collections.get(conn, current, collection_id)
    if target is None or not target.can_write(user, current):
        raise CliError(f"no collection '{collection_id}' that {user.member} may write to")
    try:
        found = bundle_upload.read_bundle(data)
    except UploadError as exc:
        raise CliError(f"{file.name}: {exc}") from None
    report = bundle_upload.preview(current, user, target, found)
    for item in report.problems + report.present:
        click.echo(f"object {item.index + 1} ({item.type} {item.id}): {item.reason}")
    if report.problems and not partial:
        raise _refuse(file, len(report.problems), report.checked, "object")
    if not report.storable:
        if report.present:
            raise CliError(f"{file.name}: every valid object is already stored in '{target.title}'; nothing new stored")
        raise CliError(f"{file.name}: no valid object; nothing stored")
    status = bundle_upload.store(current, user, target, report, PATH)
    for failure in status.get("failures", []):
        click.echo(f"not stored: {failure['id']}: {failure.get('message', '')}")
    click.echo(f"stored {status['success_count']} objects in '{target.title}' ({status['failure_count']} failed)")
