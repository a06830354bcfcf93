"""RFI store functions check what the HTTP layer does not: deadlines, priorities and statuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.exchange.rfis import RfiError, parse_deadline

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

DEADLINES = [  # text, the UTC moment it means, or the reason it is refused
    ("2026-12-01T12:00:00Z", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
    ("2026-12-01T12:00:00.250+00:00", datetime(2026, 12, 1, 12, 0, 0, 250000, tzinfo=UTC)),
    ("2026-12-01T13:00:00+01:00", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
    (" 2026-11-28T09:00:01Z ", datetime(2026, 11, 28, 9, 0, 1, tzinfo=UTC)),
    ("2026-11-28T09:00:00Z", "in the future"),
    ("2026-11-28T10:00:00+02:00", "in the future"),
    ("2026-12-01T12:00:00", "time zone"),
    ("2026-12-01", "time zone"),
    ("next Friday", "ISO 8601"),
    ("", "ISO 8601"),
    ("0001-01-01T00:00:00+05:00", "out of range"),
]


@pytest.mark.parametrize(("text", "expected"), DEADLINES)
def test_a_deadline_is_a_future_utc_moment_with_a_time_zone(text: str, expected: datetime | str) -> None:
    if isinstance(expected, datetime):
        assert parse_deadline(text, NOW) == expected
        return
    with pytest.raises(RfiError) as refused:
        parse_deadline(text, NOW)
    assert refused.value.kind == "invalid_request" and expected in refused.value.reason


def test_an_unknown_priority_is_refused_outside_the_api_too(cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    user, _token = make_user("USA")
    with pytest.raises(RfiError, match="priority must be one of"):
        rfis.ask(
            cell,
            user,
            question="Where is the cache?",
            label="NATO SECRET",
            addressees=["FRA"],
            deadline="2026-12-01T12:00:00Z",
            priority="whenever",
            path="test",
        )


def test_addressees_are_upper_cased_and_deduplicated(cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    user, _token = make_user("USA")
    asked = rfis.ask(
        cell,
        user,
        question="Where is the cache?",
        label="NATO SECRET",
        addressees=["fra", "FRA", " levant "],
        deadline="2026-12-01T12:00:00Z",
        priority="routine",
        path="test",
    )
    assert asked.addressees == ("FRA", "LEVANT")


def test_an_unknown_status_filter_is_refused(cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    user, _token = make_user("USA")
    with cell.db.read() as conn, pytest.raises(RfiError, match="status must be one of"):
        rfis.listing(cell, conn, user, status="pending")
