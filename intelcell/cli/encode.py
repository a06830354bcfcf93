"""``intelcell persons encode``: a member encodes its records on its own machine; no store is opened.

The output holds only keyed Bloom-filter encodings and birth years, one JSON line per record
(``{"ref", "name_filter", "birth_year"}``), ready for ``POST /api/v1/persons/encoded``; names and
dates never leave the member. docs/privacy-preserving-matching.md says what that protects.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import click
import orjson

from intelcell.cli.common import CliError
from intelcell.domain import bloom
from intelcell.fighters.entities import EntityError, json_lines, validate_all
from intelcell.fighters.privacy import Encoding


def _key(path: Path) -> bytes:
    try:
        return bloom.key_from_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read the key file {path}: {exc}") from None
    except bloom.EncodingError as exc:
        raise CliError(f"key file {path}: {exc.reason}") from None


@click.command("encode")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--key-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The linkage key the cell administrator shared (text, at least 16 bytes).",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Encodings to write (JSON lines)."
)
def encode(file: IO[bytes], key_file: Path, out: Path) -> None:
    """Encode FollowTheMoney Person JSON lines (FILE, or - for stdin) into keyed Bloom filters.

    Every record is checked first; on any error nothing is written. Each output line is
    {"ref": entity id, "name_filter": base64, "birth_year": year or null}.
    """
    key = _key(key_file)
    try:
        entities = validate_all(json_lines(file))
    except EntityError as exc:
        raise CliError(exc.reason) from None
    if not entities:
        raise CliError("no records to encode")
    lines = []
    for entity in entities:
        try:
            lines.append(orjson.dumps(Encoding.of(entity.entity_id, entity.profile, key).to_json()))
        except bloom.EncodingError as exc:
            raise CliError(f"record '{entity.entity_id}': {exc.reason}") from None
    try:
        out.write_bytes(b"\n".join(lines) + b"\n")
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc}") from None
    click.echo(f"encoded {len(lines)} records into {out} ({bloom.NAME}); submit only this file", err=True)
