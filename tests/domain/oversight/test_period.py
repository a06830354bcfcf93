"""Periods: canonical text round-trips, containment, months, and the refusals."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.oversight.period import Period, PeriodError, parse

days = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(days)
    return Period(start, start + timedelta(days=draw(st.integers(0, 800))))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-07-01/2026-09-30", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-07-03/2026-07-03", date(2026, 7, 3), date(2026, 7, 3)),
    ],
)
def test_period_texts_name_their_days(text: str, start: date, end: date) -> None:
    assert parse(text) == Period(start, end)


def test_a_range_that_is_a_quarter_renders_as_the_quarter() -> None:
    assert parse("2026-07-01/2026-09-30").text() == "2026-Q3"
    assert parse("2026-01-01/2026-12-31").text() == "2026"
    assert parse("2026-07-01/2026-07-31").text() == "2026-07"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-09-30/2026-07-01", "before it starts"),
        ("2026-13", "names no calendar date"),
        ("2026-Q5", "is not a year"),
        ("2026-02-30/2026-03-01", "names no calendar date"),
        ("26", "is not a year"),
        ("", "is not a year"),
        ("2026-07-01/2026-09-30" * 3, "a period is"),
    ],
)
def test_bad_periods_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        parse(text)


@given(periods())
def test_rendering_then_parsing_gives_the_same_period(period: Period) -> None:
    assert parse(period.text()) == period


@given(periods())
def test_the_canonical_text_is_a_fixed_point(period: Period) -> None:
    assert parse(period.text()).text() == period.text()


@given(periods())
def test_the_months_partition_the_period(period: Period) -> None:
    months = list(period.months())
    assert months[0].start == period.start and months[-1].end == period.end
    for before, after in itertools.pairwise(months):
        assert after.start == before.end + timedelta(days=1)
    assert all(period.contains(m) for m in months)


@given(periods(), periods())
def test_containment_is_the_days(outer: Period, inner: Period) -> None:
    assert outer.contains(inner) == (outer.contains_day(inner.start) and outer.contains_day(inner.end))


@given(periods())
def test_hours_cover_whole_days(period: Period) -> None:
    first, after = period.hours()
    assert after - first == 24 * ((period.end - period.start).days + 1)
