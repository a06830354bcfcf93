"""Partial birth dates: ``1971``, ``1971-07`` and ``1971-07-14`` parse, print back, and agree as
prefixes; impossible dates are refused with the reason (issue #4, "Bad input")."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.partial_date import MAX_YEAR, MIN_YEAR, DateError, PartialDate, parse_date


@pytest.mark.parametrize(
    ("text", "parsed", "precision"),
    [
        ("1971", PartialDate(1971), "year"),
        ("1971-07", PartialDate(1971, 7), "month"),
        ("1971-07-14", PartialDate(1971, 7, 14), "day"),
        ("1972-02-29", PartialDate(1972, 2, 29), "day"),
        (" 1971-07 ", PartialDate(1971, 7), "month"),
        ("1971-07-14T10:00:00Z", PartialDate(1971, 7, 14), "day"),  # a timestamp is cut to its date
        (f"{MIN_YEAR}", PartialDate(MIN_YEAR), "year"),
        (f"{MAX_YEAR}-12-31", PartialDate(MAX_YEAR, 12, 31), "day"),
    ],
)
def test_parse_reads_years_months_and_days(text: str, parsed: PartialDate, precision: str) -> None:
    assert parse_date(text) == parsed
    assert parsed.precision == precision


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1971-13-40", "no month 13"),
        ("1971-13", "no month 13"),
        ("1971-00", "no month 0"),
        ("1971-02-30", "no such day"),
        ("1971-02-29", "no such day"),
        ("1971-07-00", "no such day"),
        ("71", "not a date of the form"),
        ("1971/07/01", "not a date of the form"),
        ("01.07.1971", "not a date of the form"),
        ("1971-7-1", "not a date of the form"),
        ("abcd", "not a date of the form"),
        ("", "not a date of the form"),
        ("1200", "year outside"),
        (f"{MIN_YEAR - 1}", "year outside"),
        (f"{MAX_YEAR + 1}-01-01", "year outside"),
    ],
)
def test_impossible_or_malformed_dates_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text)


def test_date_error_quotes_the_offending_text() -> None:
    with pytest.raises(DateError, match="'1971-13-40'"):
        parse_date("1971-13-40")


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("1971", "1971-07-14", True),
        ("1971-07", "1971-07-14", True),
        ("1971-07-14", "1971-07-14", True),
        ("1971", "1972", False),
        ("1971-07", "1971-08-01", False),
        ("1971-07-14", "1971-07-15", False),
    ],
)
def test_dates_agree_when_one_is_a_prefix_of_the_other(a: str, b: str, agree: bool) -> None:
    assert parse_date(a).agrees(parse_date(b)) is agree


@pytest.mark.parametrize(
    ("a", "b", "swapped"),
    [
        ("1971-07-04", "1971-04-07", True),
        ("1971-07-04", "1972-04-07", False),  # a different year too
        ("1971-07-07", "1971-07-07", False),  # the same day, nothing to swap
        ("1971-07", "1971-04-07", False),  # a month alone cannot be swapped
        ("1971-07-04", "1971-04-08", False),
    ],
)
def test_swapped_recognises_transposed_day_and_month(a: str, b: str, swapped: bool) -> None:
    assert parse_date(a).swapped(parse_date(b)) is swapped
    assert parse_date(b).swapped(parse_date(a)) is swapped


# --- Laws ------------------------------------------------------------------------------------

days = st.dates(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31))


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """A valid date cut to a random precision."""
    day = draw(days)
    precision = draw(st.sampled_from(("year", "month", "day")))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def prefixes(d: PartialDate) -> list[PartialDate]:
    """The date and every coarser date it extends."""
    out = [PartialDate(d.year)]
    if d.month is not None:
        out.append(PartialDate(d.year, d.month))
    if d.day is not None:
        out.append(d)
    return out


@given(partial_dates())
def test_text_parses_back_to_the_same_date(d: PartialDate) -> None:
    assert parse_date(d.text()) == d


@given(partial_dates())
def test_agrees_is_reflexive(d: PartialDate) -> None:
    assert d.agrees(d)


@given(partial_dates(), partial_dates())
def test_agrees_is_symmetric(a: PartialDate, b: PartialDate) -> None:
    assert a.agrees(b) == b.agrees(a)


@given(partial_dates())
def test_every_prefix_agrees_with_its_extension(d: PartialDate) -> None:
    for prefix in prefixes(d):
        assert prefix.agrees(d)
        assert d.agrees(prefix)


@given(st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 12), st.integers(1, 12))
def test_swapped_holds_for_a_transposed_day_and_month_both_ways(year: int, month: int, day: int) -> None:
    a, b = PartialDate(year, month, day), PartialDate(year, day, month)
    assert a.swapped(b) is (month != day)
    assert b.swapped(a) is a.swapped(b)
    assert not (a.swapped(b) and a.agrees(b))
