"""Partial dates as records carry them: ``1971``, ``1971-07`` or ``1971-07-14``.

A partial date stands for every day it is a prefix of. Two dates *agree* when one is a prefix of
the other, are *exact* when both name the same day, and are *disjoint* otherwise; how far apart
disjoint dates are matters (a one-year slip is a clerical error, twenty years is another person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_FORM = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MIN_YEAR, MAX_YEAR = 1850, 2100


class DateError(ValueError):
    """A date that is not a real (possibly partial) calendar date."""


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def text(self) -> str:
        """The ISO prefix form: ``1971``, ``1971-07`` or ``1971-07-14``."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def agrees(self, other: PartialDate) -> bool:
        """True when one date is a prefix of the other (both could be the same day)."""
        if self.year != other.year:
            return False
        if self.month is None or other.month is None:
            return True
        if self.month != other.month:
            return False
        return self.day is None or other.day is None or self.day == other.day

    def swapped(self, other: PartialDate) -> bool:
        """True when both are full days with month and day transposed (a common clerical error)."""
        return (
            self.day is not None
            and other.day is not None
            and self.year == other.year
            and self.month != other.month
            and (self.month, self.day) == (other.day, other.month)
        )

    def slipped(self, other: PartialDate) -> bool:
        """True when the written digits differ by one digit or two neighbours swapped (a typing slip)."""
        a, b = self.text().replace("-", ""), other.text().replace("-", "")
        if len(a) != len(b) or a == b:
            return False
        diffs = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diffs) == 1:
            return True
        first, second = diffs[0], diffs[-1]
        return len(diffs) == 2 and second == first + 1 and a[first] == b[second] and a[second] == b[first]


def parse_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the time of an ISO timestamp is cut).

    Raises `DateError` naming the problem for impossible dates such as ``1971-13-40``.
    """
    value = text.strip().split("T", 1)[0]
    found = _FORM.match(value)
    if found is None:
        raise DateError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else None
    day = int(found.group(3)) if found.group(3) else None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"{text!r}: year outside {MIN_YEAR}-{MAX_YEAR}")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{text!r}: there is no month {month}")
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            raise DateError(f"{text!r}: there is no such day") from None
    return PartialDate(year, month, day)
