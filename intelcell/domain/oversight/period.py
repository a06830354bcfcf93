"""Reporting periods: a year, a quarter, a month or an explicit range of days, inclusive.

Canonical text (parse and render round-trip): ``2026``, ``2026-Q3``, ``2026-07`` and
``2026-07-01/2026-09-30``; a range that covers exactly a year, quarter or month renders as such.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# ASCII digits only: \d would take full-width and other Unicode digits.
_YEAR = re.compile(r"^([0-9]{4})$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_RANGE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})/([0-9]{4}-[0-9]{2}-[0-9]{2})$")
# The cell's data starts in the UNIX era; year 9999 cannot take a day's bound after it; and a
# summary's trend is one pass per month, so a span is kept to ten years.
FIRST_YEAR, LAST_YEAR = 1970, 9998
MAX_MONTHS = 120
MAX_TEXT = 32


class PeriodError(ValueError):
    """A period text that is not valid; the message is the reason for the user."""


@dataclass(frozen=True, order=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")
        if self.start.year < FIRST_YEAR or self.end.year > LAST_YEAR:
            raise PeriodError(f"a period lies within the years {FIRST_YEAR} to {LAST_YEAR}")
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months > MAX_MONTHS:
            raise PeriodError(f"a period spans at most {MAX_MONTHS} months, not {months}")

    def text(self) -> str:
        """The canonical text: year, quarter or month when the period is exactly one, else a range."""
        s, e = self.start, self.end
        if s.day == 1 and e == _month_end(e.year, e.month) and s.year == e.year:
            if s.month == 1 and e.month == 12:
                return f"{s.year:04d}"
            if s.month == e.month:
                return f"{s.year:04d}-{s.month:02d}"
            if s.month % 3 == 1 and e.month == s.month + 2:
                return f"{s.year:04d}-Q{(s.month + 2) // 3}"
        return f"{s.isoformat()}/{e.isoformat()}"

    def contains(self, other: Period) -> bool:
        """Tell whether ``other`` lies entirely within this period."""
        return self.start <= other.start and other.end <= self.end

    def contains_day(self, day: date) -> bool:
        """Tell whether ``day`` is one of this period's days."""
        return self.start <= day <= self.end

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants [first, after): from the first day's midnight to the midnight after the last day."""
        first = datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)
        after = datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + timedelta(days=1)
        return first, after

    def hours(self) -> tuple[int, int]:
        """Hours since the UNIX epoch [first, after), the buckets of hourly counters."""
        first, after = self.bounds()
        return int(first.timestamp()) // 3600, int(after.timestamp()) // 3600

    def months(self) -> Iterator[Period]:
        """The calendar months this period touches, each clipped to the period."""
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            first = max(self.start, date(year, month, 1))
            last = min(self.end, _month_end(year, month))
            yield Period(first, last)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse(text: str) -> Period:
    """Parse ``2026``, ``2026-Q3``, ``2026-07`` or ``2026-07-01/2026-09-30``; raise PeriodError."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise PeriodError("a period is a year (2026), quarter (2026-Q3), month (2026-07) or range (START/END)")
    value = text.strip()
    try:
        if m := _YEAR.match(value):
            year = int(m.group(1))
            return Period(date(year, 1, 1), date(year, 12, 31))
        if m := _QUARTER.match(value):
            year, quarter = int(m.group(1)), int(m.group(2))
            return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            return Period(date(year, month, 1), _month_end(year, month))
        if m := _RANGE.match(value):
            return Period(date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)))
    except PeriodError:
        raise
    except ValueError as exc:  # a month 13, a 31 February
        raise PeriodError(f"period '{text}' names no calendar date: {exc}") from None
    raise PeriodError(
        f"period '{text}' is not a year (2026), quarter (2026-Q3), month (2026-07) or range (2026-07-01/2026-09-30)"
    )
