"""Keyed Bloom-filter encodings (intelcell-bloom-v1): one person's spellings meet across scripts,
different people and different keys do not, and the comparison is a proper similarity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.domain import bloom
from intelcell.domain.person import Profile, clean_properties, profile_of

KEY = bloom.key_from_text("0123456789abcdef" * 4)
OTHER_KEY = bloom.key_from_text("fedcba9876543210" * 4)


def record(*names: str, birth_date: str | None = None) -> Profile:
    """The profile of a record with these names (and birth date)."""
    properties = {"name": list(names)}
    if birth_date:
        properties["birthDate"] = [birth_date]
    return profile_of(clean_properties(properties))


def similarity(a: Profile, b: Profile, key: bytes = KEY) -> float:
    return bloom.similarity(bloom.encode(a, key), bloom.encode(b, key))


# --- The key ------------------------------------------------------------------------------------


def test_encoding_is_deterministic_under_one_key() -> None:
    baghdadi = record("Abu Bakr al-Baghdadi", birth_date="1971-07-28")
    assert bloom.encode(baghdadi, KEY) == bloom.encode(baghdadi, KEY)


def test_another_key_gives_an_unrelated_filter() -> None:
    baghdadi = record("Abu Bakr al-Baghdadi")
    assert bloom.similarity(bloom.encode(baghdadi, KEY), bloom.encode(baghdadi, OTHER_KEY)) < 0.4


def test_a_short_key_is_refused() -> None:
    with pytest.raises(bloom.EncodingError, match="at least 16 bytes"):
        bloom.key_from_text("  too short \n")


def test_a_key_files_surrounding_whitespace_is_ignored() -> None:
    assert bloom.key_from_text("\n0123456789abcdef0123\n") == b"0123456789abcdef0123"


# --- Spellings, scripts and different people -----------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammed Ali", "Mohamed Ali"),
        ("Mohammed Ali", "Muhammad Ali"),
        ("Abu Bakr al-Baghdadi", "Abou Bakr Al Baghdadi"),
        ("Abu Bakr al-Baghdadi", "أبو بكر البغدادي"),
        ("Usama bin Ladin", "Osama bin Laden"),
        ("Usama bin Ladin", "أسامة بن لادن"),
        ("Мухаммад Али", "Muhammad Ali"),
    ],
)
def test_spellings_of_one_name_hit(a: str, b: str) -> None:
    assert similarity(record(a), record(b)) >= bloom.THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Abu Bakr al-Baghdadi", "Osama bin Laden"),
        ("Mohammed Ali", "Omar Khalid"),
        ("Mohammed Ali", "Mohammed Hassan"),
    ],
)
def test_different_people_do_not_hit(a: str, b: str) -> None:
    assert similarity(record(a), record(b)) < bloom.THRESHOLD


def test_word_order_does_not_matter() -> None:
    assert similarity(record("Ali Hassan"), record("Hassan Ali")) == 1.0


def test_records_compare_by_their_best_pair_of_names() -> None:
    aliases = record("Ibrahim Awad Ibrahim al-Badri", "Abu Dua", "Abu Bakr al-Baghdadi")
    assert similarity(aliases, record("Abou Bakr Al Baghdadi")) == 1.0
    assert len(bloom.split(bloom.encode(aliases, KEY))) == 2  # the lone kunya "Abu Dua" is not encoded


def test_a_one_word_name_is_encoded_only_without_a_fuller_one() -> None:
    assert len(bloom.split(bloom.encode(record("Mohammed"), KEY))) == 1
    assert len(bloom.split(bloom.encode(record("Mohammed", "Mohammed Ali"), KEY))) == 1


def test_a_shared_full_birth_date_raises_the_score() -> None:
    a, b = record("Wassim Trabelsi", birth_date="1974-11-03"), record("Wasim Trabelsy", birth_date="1974-11-03")
    undated = similarity(record("Wassim Trabelsi"), record("Wasim Trabelsy"))
    assert similarity(a, b) > undated


def test_a_name_of_particles_only_cannot_be_encoded() -> None:
    with pytest.raises(bloom.EncodingError, match="no name part"):
        bloom.encode(record("Abu al"), KEY)


# --- Birth year in clear ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "year"),
    [((), None), (("1971",), 1971), (("1971-07-28", "1972"), 1971), (("1970", "1972"), 1971), (("1970", "1975"), None)],
)
def test_birth_year_is_the_middle_of_close_years_else_unknown(dates: tuple[str, ...], year: int | None) -> None:
    properties = {"name": ["Abu Bakr al-Baghdadi"], "birthDate": list(dates)}
    assert bloom.birth_year(profile_of(clean_properties(properties))) == year


@pytest.mark.parametrize(
    ("a", "b", "ok"), [(1971, 1972, True), (1971, 1973, False), (None, 1971, True), (None, None, True)]
)
def test_birth_years_more_than_one_apart_are_incompatible(a: int | None, b: int | None, ok: bool) -> None:
    assert bloom.years_compatible(a, b) is ok
    assert bloom.is_hit(1.0, a, b) is ok


# --- Wire form ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 127, 129, 9 * bloom.FILTER_BYTES])
def test_split_refuses_an_encoding_that_is_not_whole_filters(length: int) -> None:
    with pytest.raises(bloom.EncodingError, match="filters of 128 bytes"):
        bloom.split(b"\x01" * length)


# --- Dice: a proper similarity, and the batch form agrees ------------------------------------------

filters = st.binary(min_size=bloom.FILTER_BYTES, max_size=bloom.FILTER_BYTES)


@given(filters, filters)
def test_dice_is_symmetric_and_within_zero_and_one(a: bytes, b: bytes) -> None:
    assert bloom.dice(a, b) == bloom.dice(b, a)
    assert 0.0 <= bloom.dice(a, b) <= 1.0


@given(filters)
def test_dice_of_a_filter_with_itself_is_one(a: bytes) -> None:
    assert bloom.dice(a, a) == (1.0 if any(a) else 0.0)


@settings(max_examples=50)
@given(filters, st.lists(filters, min_size=1, max_size=40))
def test_dice_many_agrees_with_dice(query: bytes, rows: list[bytes]) -> None:
    batch = bloom.dice_many(query, bloom.as_matrix(rows))
    assert np.allclose(batch, [bloom.dice(query, row) for row in rows], atol=1e-6)


def test_dice_many_refuses_a_query_of_another_length() -> None:
    with pytest.raises(bloom.EncodingError):
        bloom.dice_many(b"\x00" * 64, bloom.as_matrix([b"\x00" * bloom.FILTER_BYTES]))
