"""A file of person records as the browser uploads it: checked line by line before anything is stored.

The file is FollowTheMoney JSON lines (one Person entity per line, blank lines ignored), UTF-8
(a leading byte-order mark is allowed). `check` reads every line and reports every problem with
its line number: a line that is not JSON, an entity `entities.validate` refuses, an id given on
more than one line (neither of those lines is valid: which one is right is not ours to guess).
The caller stores nothing unless the report has no problems or the user accepts a partial load
of the valid lines. `fighters.csv_records` builds the same report for the rows of a CSV file.

A file that is not UTF-8 is refused, never guessed at: the message names the first byte that is
not, and the encoding the file most likely has (`likely_encoding`), so that no mis-decoded text
(mojibake) is ever stored as a name.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from intelcell.fighters.entities import Entity, EntityError, validate

BOM = b"\xef\xbb\xbf"


class UploadError(ValueError):
    """A file that cannot be read as JSON lines at all (not UTF-8, or empty); nothing is stored."""


@dataclass(frozen=True)
class Problem:
    """Why one line of the file cannot be stored."""

    line: int
    reason: str


@dataclass(frozen=True)
class Report:
    """Every non-blank line of a file, checked: the valid entities (in file order) and the problems."""

    sha256: str
    lines: int
    valid: list[Entity]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when every line is valid."""
        return not self.problems


def likely_encoding(data: bytes) -> str:
    """The encoding a file that is not UTF-8 most likely has, in words: Windows-1256 when its
    non-ASCII bytes read as Arabic letters there, else Latin-1 (or its superset Windows-1252)."""
    high = bytes(b for b in data[:1_000_000] if b >= 0x80)
    arabic = sum(1 for char in high.decode("cp1256", "replace") if "\u0600" <= char <= "\u06ff")
    # Latin-1 accented letters (0xC0-0xFF) are Arabic letters in Windows-1256 too, so only a clear
    # majority counts: Arabic text has few bytes in 0x80-0xBF, where Windows-1256 has no letters.
    if high and arabic >= 0.9 * len(high):
        return "Windows-1256 (Arabic)"
    return "Latin-1 (ISO 8859-1) or Windows-1252"


def decode(data: bytes) -> str:
    """The file's text; UploadError naming the byte offset and line of the first byte that is not UTF-8."""
    try:
        return data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if data.startswith(BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        raise UploadError(
            f"The file is not UTF-8 text: byte {offset:,} (line {line:,}) is 0x{data[offset]:02X}; "
            f"it looks like {likely_encoding(data)}. "
            "Save it as UTF-8 (in most editors: Save as, Encoding UTF-8) and upload it again."
        ) from None


def _parse(number: int, line: str) -> Entity:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise EntityError(f"line {number}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    return validate(obj, f"line {number}")


def _checked_lines(text: str) -> Iterable[tuple[int, Entity | str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, _parse(number, line)
        except EntityError as exc:
            yield number, exc.reason


def check(data: bytes) -> Report:
    """Check every line of a JSON-lines file of Person entities; UploadError when it holds none."""
    report = collect(hashlib.sha256(data).hexdigest(), _checked_lines(decode(data)))
    if report.lines == 0:
        raise UploadError("The file is empty: it holds no lines of FollowTheMoney JSON.")
    return report


def collect(sha256: str, checked: Iterable[tuple[int, Entity | str]], unit: str = "line") -> Report:
    """The report of checked lines (or rows), each ``(number, entity or reason)``; an id on several is refused."""
    found: dict[int, Entity] = {}
    problems: list[Problem] = []
    numbers_of: dict[str, list[int]] = defaultdict(list)
    count = 0
    for number, outcome in checked:
        count += 1
        if isinstance(outcome, str):
            problems.append(Problem(number, outcome))
            continue
        found[number] = outcome
        numbers_of[outcome.entity_id].append(number)
    for entity_id, numbers in numbers_of.items():
        if len(numbers) > 1:
            for number in numbers:
                del found[number]
            others = [str(n) for n in numbers if n != numbers[1]]
            where = f"{unit} {others[0]}" if len(others) == 1 else f"{unit}s {', '.join(others)}"
            reason = f"the id is also on {where}; one record per id, so none of these {unit}s is valid"
            problems.append(Problem(numbers[1], f"{unit} {numbers[1]} (id '{entity_id}'): {reason}"))
    problems.sort(key=lambda p: p.line)
    return Report(sha256, count, list(found.values()), problems)
