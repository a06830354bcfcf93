"""Person records from a CSV file: its columns mapped to FollowTheMoney Person properties, checked row by row.

A CSV file has a header row; each later row becomes one Person entity. The user maps every
column to a property (``name``, ``alias``, ``birthDate``, ``passportNumber``...), to ``id``, or
to nothing (`IGNORE`); `guess` proposes a mapping from the header's names. A cell may hold
several values separated by ``;`` (two aliases, two nationalities). Each row is then checked by
`entities.validate`, exactly like a line of FollowTheMoney JSON, and reported by its row number
as a spreadsheet shows it (the header is row 1).

The file is UTF-8 unless the user chooses Windows-1256 or Latin-1 (`ENCODINGS`): a file that is
not UTF-8 is refused with the encoding it most likely has, and a UTF-8 file with non-ASCII text
is refused under another choice, since decoding it so would store mis-decoded names (mojibake).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from followthemoney import model, registry

from intelcell.fighters.entities import MAX_VALUES, SCHEMA, Entity, EntityError, validate
from intelcell.fighters.uploads import BOM, Report, UploadError, collect, decode

#: The encodings a user may choose for a CSV file, by the name Python decodes with.
ENCODINGS = {"utf-8": "UTF-8", "cp1256": "Windows-1256 (Arabic)", "latin-1": "Latin-1 (ISO 8859-1)"}
IGNORE = ""
ID = "id"
#: Columns that give a record its name: a mapping needs at least one.
NAME_PROPERTIES = ("name", "firstName", "lastName")
#: Properties one column at most may fill: a second column is almost always a mapping mistake.
SINGLE = frozenset({ID, "firstName", "lastName", "middleName", "fatherName", "motherName", "gender", "status"})
#: The properties most FTF files hold, offered first.
COMMON = (
    "name", "firstName", "lastName", "middleName", "fatherName", "alias", "weakAlias", "birthDate", "birthPlace",
    "nationality", "citizenship", "gender", "passportNumber", "idNumber", "status", "notes",
)  # fmt: skip
SEPARATOR = ";"
DELIMITERS = ",;\t|"
PREVIEW_ROWS = 5
_PERSON = model.schemata[SCHEMA]
#: Header names (lower case, letters and digits only) and the property they usually hold.
_SYNONYMS = {
    "fullname": "name", "names": "name", "arabicname": "name", "namearabic": "name", "namear": "name",
    "latinname": "name", "nameinarabic": "name", "given": "firstName", "givenname": "firstName",
    "forename": "firstName", "first": "firstName", "surname": "lastName", "familyname": "lastName",
    "last": "lastName", "aliases": "alias", "aka": "alias", "kunya": "alias", "nomdeguerre": "alias",
    "nickname": "weakAlias", "dob": "birthDate", "dateofbirth": "birthDate", "born": "birthDate",
    "placeofbirth": "birthPlace", "pob": "birthPlace", "sex": "gender", "passport": "passportNumber",
    "passportno": "passportNumber", "passportnumbers": "passportNumber", "nationalid": "idNumber",
    "identitynumber": "idNumber", "recordid": ID, "ref": ID, "reference": ID, "identifier": ID,
    "citizenships": "citizenship", "nationalities": "nationality",
}  # fmt: skip


def mappable() -> list[str]:
    """The properties a column may fill: Person's own values (no references to other entities), common first."""
    allowed = sorted(
        name for name, prop in _PERSON.properties.items() if not prop.stub and prop.type != registry.entity
    )
    return [p for p in COMMON if p in allowed] + [p for p in allowed if p not in COMMON]


_MAPPABLE = frozenset(mappable())
_BY_LOWER = {p.lower(): p for p in _MAPPABLE}


class MappingError(ValueError):
    """A column mapping that cannot build records; ``reasons`` are whole sentences for the user."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Table:
    """A CSV file read whole: its header and its rows with their row numbers (the header is row 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    def column(self, index: int) -> str:
        """How the report names a column: its header, or its position when the header cell is empty."""
        return f"'{self.header[index]}'" if self.header[index].strip() else f"column {index + 1}"


def text_of(data: bytes, encoding: str) -> str:
    """The file's text in the chosen encoding; UploadError for an unknown choice, bytes that are not UTF-8
    (naming the likely encoding), or a UTF-8 file with non-ASCII text decoded as something else."""
    if encoding not in ENCODINGS:
        raise UploadError(f"Unknown encoding {encoding[:40]!r}: choose one of {', '.join(ENCODINGS.values())}.")
    if encoding == "utf-8":
        try:
            return decode(data)
        except UploadError as exc:
            raise UploadError(f"{exc} Or choose the file's encoding on the form.") from None
    body = data.removeprefix(BOM)
    if body != data or not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise UploadError(
                f"The file is UTF-8 text, not {ENCODINGS[encoding]}: decoding it as {ENCODINGS[encoding]} would "
                "store garbled names. Choose UTF-8 as the encoding."
            )
    return body.decode(encoding)


def read(data: bytes, encoding: str = "utf-8") -> Table:
    """Read a CSV file with a header row (comma, semicolon or tab separated); UploadError when it cannot be."""
    text = text_of(data, encoding)
    # The separator is the one the header uses most: a header has no free text, unlike the rows
    # (csv.Sniffer, which reads the rows too, guesses wrong when one row is broken).
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, as spreadsheets leave them
            if header is None:
                header = [cell.strip() for cell in cells]
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise UploadError(f"The file is not readable CSV at line {reader.line_num:,}: {exc}.") from None
    if header is None:
        raise UploadError("The file is empty: a CSV file needs a header row and a row per person.")
    if not rows:
        raise UploadError("The file has a header row but no rows of data.")
    return Table(header, rows)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def guess(header: Sequence[str]) -> list[str]:
    """A mapping proposed from the header: property names (any case, any punctuation) and common synonyms."""
    out: list[str] = []
    for name in header:
        key = _key(name)
        found = ID if key == ID else _BY_LOWER.get(key) or _SYNONYMS.get(key, IGNORE)
        out.append(IGNORE if found in SINGLE and found in out else found)
    return out


def check_mapping(table: Table, mapping: Sequence[str]) -> None:
    """Raise MappingError with every reason a mapping cannot build records."""
    reasons: list[str] = []
    if len(mapping) != len(table.header):
        raise MappingError([f"The mapping names {len(mapping)} columns; the file has {len(table.header)}."])
    for index, target in enumerate(mapping):
        if target not in (IGNORE, ID) and target not in _MAPPABLE:
            reasons.append(
                f"Column {table.column(index)} is mapped to {target[:60]!r}, which is not a Person property "
                "intelcell stores."
            )
    for target in sorted(SINGLE):
        columns = [table.column(i) for i, t in enumerate(mapping) if t == target]
        if len(columns) > 1:
            reasons.append(f"Columns {', '.join(columns)} are all mapped to '{target}'; one column at most may be.")
    if not any(t in NAME_PROPERTIES for t in mapping):
        reasons.append("No column is mapped to name, firstName or lastName: a record needs a name.")
    if reasons:
        raise MappingError(reasons)


def _entity(table: Table, mapping: Sequence[str], number: int, cells: list[str], file_sha: str) -> dict[str, object]:
    if len(cells) != len(table.header):
        raise EntityError(f"row {number}: {len(cells)} cells, but the header has {len(table.header)} columns")
    properties: dict[str, list[str]] = {}
    entity_id = ""
    for target, cell in zip(mapping, cells, strict=True):
        if target == ID:
            entity_id = cell.strip()
        elif target != IGNORE:
            values = properties.setdefault(target, [])
            values.extend(v.strip() for v in cell.split(SEPARATOR) if v.strip() and v.strip() not in values)
            if len(values) > MAX_VALUES:
                raise EntityError(f"row {number} property '{target}': more than {MAX_VALUES} values")
    if ID in mapping and not entity_id:
        raise EntityError(f"row {number}: the id column is empty")
    # Without an id column the id is the file's hash and the row: the same file sent again (after a
    # failure, or with a corrected mapping) updates the same records instead of duplicating them,
    # and two files never collide. A hash of the row's content would change when a row is corrected.
    return {
        "id": entity_id or f"csv-{file_sha[:16]}-{number}",
        "schema": SCHEMA,
        "properties": {k: v for k, v in properties.items() if v},
    }


def _rows(table: Table, mapping: Sequence[str], file_sha: str) -> Iterator[tuple[int, Entity | str]]:
    for number, cells in table.rows:
        try:
            yield number, validate(_entity(table, mapping, number, cells, file_sha), f"row {number}")
        except EntityError as exc:
            yield number, exc.reason


def upload_key(data: bytes, encoding: str, mapping: Sequence[str]) -> str:
    """What makes two CSV uploads the same: the file's bytes, read the same way.

    The same file with a corrected mapping is a new upload (its records are new versions of the
    same ids); the same file with the same mapping again is a duplicate.
    """
    digest = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"csv\n{digest}\n{encoding}\n{'|'.join(mapping)}".encode()).hexdigest()


def check(data: bytes, encoding: str, mapping: Sequence[str], table: Table | None = None) -> Report:
    """Check every row of a CSV file under a mapping; MappingError or UploadError when none can be checked."""
    table = table or read(data, encoding)
    check_mapping(table, mapping)
    file_sha = hashlib.sha256(data).hexdigest()
    return collect(upload_key(data, encoding, mapping), _rows(table, mapping, file_sha), unit="row")
