"""A file of person records as the browser uploads it: checked line by line before anything is stored.

The file is FollowTheMoney JSON lines (one Person entity per line, blank lines ignored), UTF-8
(a leading byte-order mark is allowed). `check` reads every line and reports every problem with
its line number: a line that is not JSON, an entity `entities.validate` refuses, an id given on
more than one line (neither of those lines is valid: which one is right is not ours to guess).
The caller stores nothing unless the report has no problems or the user accepts a partial load
of the valid lines.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
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


def decode(data: bytes) -> str:
    """The file's text; UploadError naming the byte offset and line of the first byte that is not UTF-8."""
    try:
        return data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if data.startswith(BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        raise UploadError(
            f"The file is not UTF-8 text: byte {offset:,} (line {line:,}) is 0x{data[offset]:02X}. "
            "Save it as UTF-8 (in most editors: Save as, Encoding UTF-8) and upload it again."
        ) from None


def _parse(number: int, line: str) -> Entity:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise EntityError(f"line {number}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    return validate(obj, f"line {number}")


def check(data: bytes) -> Report:
    """Check every line of a JSON-lines file of Person entities; UploadError when it holds none."""
    text = decode(data)
    found: dict[int, Entity] = {}
    problems: list[Problem] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    count = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        count += 1
        try:
            entity = _parse(number, line)
        except EntityError as exc:
            problems.append(Problem(number, exc.reason))
            continue
        found[number] = entity
        lines_of[entity.entity_id].append(number)
    if count == 0:
        raise UploadError("The file is empty: it holds no lines of FollowTheMoney JSON.")
    for entity_id, numbers in lines_of.items():
        if len(numbers) > 1:
            for number in numbers:
                del found[number]
            others = [str(n) for n in numbers if n != numbers[1]]
            where = f"line {others[0]}" if len(others) == 1 else f"lines {', '.join(others)}"
            reason = f"the id is also on {where}; one record per id, so none of these lines is valid"
            problems.append(Problem(numbers[1], f"line {numbers[1]} (id '{entity_id}'): {reason}"))
    problems.sort(key=lambda p: p.line)
    return Report(hashlib.sha256(data).hexdigest(), count, list(found.values()), problems)
