"""Aggregation laws: medians, sums over a partition, gaps against targets; contribution values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.oversight.aggregate import combine, gap, median, total
from intelcell.domain.oversight.contribution import KINDS, ContributionError, manual_value

values = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=40)
counts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=40)


def test_median_of_hand_examples() -> None:
    assert median([]) is None
    assert median([5]) == 5
    assert median([6, 24, 10]) == 10
    assert median([6, 10]) == 8


@given(values, st.randoms())
def test_the_median_ignores_order(xs: list[float], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    assert median(shuffled) == median(xs)


@given(values.filter(bool))
def test_the_median_lies_between_the_extremes(xs: list[float]) -> None:
    m = median(xs)
    assert m is not None and min(xs) <= m <= max(xs)


@given(counts, st.integers(0, 40))
def test_a_sum_over_a_partition_is_the_sum(xs: list[int], cut: int) -> None:
    assert total(xs[:cut]) + total(xs[cut:]) == total(xs)


@given(st.lists(values, max_size=5))
def test_a_median_kind_combines_from_samples_not_from_medians(groups: list[list[float]]) -> None:
    k = KINDS["rfi_median_response_hours"]
    per_member = {str(i): median(g) for i, g in enumerate(groups)}
    pooled = [x for g in groups for x in g]
    assert combine(k, per_member, pooled) == median(pooled)


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_a_gap_is_never_negative_and_zero_once_met(target: float, actual: float) -> None:
    floor, ceiling = KINDS["awacs_flight_hours"], KINDS["rfi_median_response_hours"]
    assert gap(floor, target, actual) >= 0
    assert (gap(floor, target, actual) == 0) == (actual >= target)
    assert (gap(ceiling, target, actual) == 0) == (actual <= target)


def test_an_unmeasured_floor_is_wholly_unmet() -> None:
    assert gap(KINDS["aar_sorties"], 400, None) == 400


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("awacs_flight_hours", -0.5, "must not be negative"),
        ("awacs_flight_hours", math.inf, "finite"),
        ("awacs_flight_hours", math.nan, "finite"),
        ("awacs_flight_hours", 1e12, "implausibly large"),
        ("aar_sorties", 1.5, "whole number"),
        ("rfis_answered", 3, "computed from the cell's data"),
        ("tea_served", 3, "unknown measure"),
    ],
)
def test_bad_manual_values_are_refused(kind: str, value: float, reason: str) -> None:
    with pytest.raises(ContributionError, match=reason):
        manual_value(kind, value)


def test_a_whole_number_of_sorties_is_accepted() -> None:
    assert manual_value("aar_sorties", 12) == 12.0
