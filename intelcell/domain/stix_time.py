"""STIX/TAXII timestamps: one sortable stored form and the form shown to clients.

STIX 2.1 timestamps are RFC 3339 UTC with optional fractional seconds. intelcell stores them with
exactly six fractional digits, so text order is time order, and shows them with milliseconds
unless finer digits are present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$")


class TimestampError(ValueError):
    """Not a STIX/TAXII timestamp."""


def stored(text: str) -> str:
    """The sortable stored form, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; raise TimestampError."""
    match = _TIMESTAMP.match(text) if isinstance(text, str) else None
    if not match:
        raise TimestampError(f"'{text}' is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.sss]Z")
    fraction = (match.group(2) or "")[:6].ljust(6, "0")
    return f"{match.group(1)}.{fraction}Z"


def shown(stored_text: str) -> str:
    """The client-facing form: milliseconds, or microseconds when they are not zero."""
    head, fraction = stored_text[:-1].split(".")
    return f"{head}.{fraction[:3] if fraction.endswith('000') else fraction}Z"


def after(stored_text: str, microseconds: int = 1) -> str:
    """The stored form ``microseconds`` later."""
    moment = datetime.strptime(stored_text, _FORMAT) + timedelta(microseconds=microseconds)
    return moment.strftime(_FORMAT)


def sequence(first: str) -> Iterator[str]:
    """``first`` and then one microsecond later each time: unique, increasing date_added values."""
    moment = datetime.strptime(first, _FORMAT)
    step = timedelta(microseconds=1)
    while True:
        yield moment.strftime(_FORMAT)
        moment += step
