"""Synthetic fighter records: deterministic, valid FollowTheMoney, and realistic in the documented ways."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from functools import cache

import pytest
from followthemoney import model, registry
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.demo.fighters import DEFAULT_MEMBERS, STATUSES, SyntheticRecord, generate, labelled_pairs

PERSON = model.get("Person")
ARABIC = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")


@cache
def sample(count: int = 6000, seed: int = 7) -> tuple[SyntheticRecord, ...]:
    """One shared sample per size and seed: generation is deterministic, so tests may share it."""
    return tuple(generate(count, seed=seed))


def by_person(records: tuple[SyntheticRecord, ...]) -> dict[int, list[SyntheticRecord]]:
    groups: dict[int, list[SyntheticRecord]] = defaultdict(list)
    for record in records:
        groups[record.person].append(record)
    return groups


def one_edit_apart(a: str, b: str) -> bool:
    """Equal, or one substitution or one appended letter apart."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and long.startswith(short)


def values(records: tuple[SyntheticRecord, ...], prop: str) -> list[str]:
    return [v for r in records for v in r.entity["properties"].get(prop, ())]


# --- Determinism ------------------------------------------------------------------------------


def test_same_seed_gives_the_same_records() -> None:
    assert list(generate(500, seed=3)) == list(generate(500, seed=3))


def test_different_seeds_give_different_records() -> None:
    first = [r.entity for r in generate(200, seed=3)]
    second = [r.entity for r in generate(200, seed=4)]
    assert first != second


def test_ids_are_per_member_and_stable() -> None:
    ids = [r.entity["id"] for r in sample()]
    assert len(set(ids)) == len(ids)
    for record in sample():
        assert re.fullmatch(rf"ftf-{record.member.lower()}-[1-9][0-9]*", record.entity["id"])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(0, 200))
def test_any_seed_gives_count_records_with_unique_ids_and_names(seed: int, count: int) -> None:
    records = list(generate(count, seed=seed))
    assert len(records) == count
    assert len({r.entity["id"] for r in records}) == count
    assert all(r.entity["properties"]["name"][0].strip() for r in records)


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        list(generate(-1))
    with pytest.raises(ValueError):
        list(generate(10, members=()))
    with pytest.raises(ValueError):
        list(generate(10, shared_fraction=1.5))


# --- FollowTheMoney validity ---------------------------------------------------------------------


def test_every_entity_is_a_valid_followthemoney_person() -> None:
    for record in sample():
        entity = record.entity
        assert entity["schema"] == "Person"
        model.get_proxy(entity)
        for prop, vals in entity["properties"].items():
            assert PERSON.get(prop) is not None, prop
            assert vals and all(isinstance(v, str) and v.strip() for v in vals), (prop, vals)


@pytest.mark.parametrize("prop", ["birthDate", "nationality", "gender"])
def test_closed_vocabularies_are_already_in_followthemoney_clean_form(prop: str) -> None:
    kind = PERSON.get(prop).type
    for value in values(sample(), prop):
        assert kind.clean(value) == value, value


def test_status_is_one_of_the_four_statuses() -> None:
    assert set(values(sample(), "status")) == set(STATUSES)


def test_nationalities_are_lowercase_iso_codes() -> None:
    for value in values(sample(), "nationality"):
        assert re.fullmatch("[a-z]{2}", value) and registry.country.clean(value) == value


# --- Birth dates -------------------------------------------------------------------------------


def test_birth_dates_come_in_full_partial_and_absent_shares() -> None:
    records = sample()
    lengths = Counter(len(r.entity["properties"].get("birthDate", [""])[0]) for r in records)
    share = {n: lengths[n] / len(records) for n in (10, 7, 4, 0)}
    assert 0.45 < share[10] < 0.55 and 0.11 < share[7] < 0.19
    assert 0.21 < share[4] < 0.29 and 0.07 < share[0] < 0.13


def test_record_dates_are_prefixes_of_the_true_date_except_the_noisy_share() -> None:
    dated = [
        (r.entity["properties"]["birthDate"][0], r.truth) for r in sample() if "birthDate" in r.entity["properties"]
    ]
    noisy = [(date, truth) for date, truth in dated if truth is None or not truth.birth_date.startswith(date)]
    assert 0.01 < len(noisy) / len(dated) < 0.06
    for date, truth in noisy:  # off by a year, or day and month swapped
        assert truth is not None
        year_off = abs(int(date[:4]) - int(truth.birth_date[:4])) == 1 and truth.birth_date[4:].startswith(date[4:])
        swapped = len(date) == 10 and date[:4] == truth.birth_date[:4] and date[5:7] == truth.birth_date[8:10]
        assert year_off or swapped, (date, truth.birth_date)


# --- Persons shared between members, and look-alikes ----------------------------------------------


def test_shared_persons_have_records_from_several_distinct_members() -> None:
    groups = by_person(sample())
    shared = [g for g in groups.values() if len(g) > 1]
    for group in shared:
        members = [r.member for r in group]
        assert len(set(members)) == len(members) >= 2
        assert len(members) <= 4
    assert 0.24 < len(shared) / len(groups) < 0.36


def test_records_of_one_person_spell_the_name_differently() -> None:
    differing = [g for g in by_person(sample()).values() if len({r.entity["properties"]["name"][0] for r in g}) > 1]
    assert len(differing) > 0.7 * sum(1 for g in by_person(sample()).values() if len(g) > 1)


def test_lookalikes_share_name_tokens_but_differ_in_birth_year() -> None:
    truths = {r.person: r.truth for r in sample() if r.truth}
    lookalikes = [t for t in truths.values() if t.lookalike_of is not None]
    assert 0.06 < len(lookalikes) / len(truths) < 0.14
    for truth in lookalikes:
        original = truths[truth.lookalike_of]
        assert truth.name.split()[0] == original.name.split()[0]  # same given name
        assert one_edit_apart(truth.name.split()[-1], original.name.split()[-1])  # family name
        assert truth.birth_date[:4] != original.birth_date[:4]


def test_passport_numbers_mostly_agree_across_records_of_a_person() -> None:
    agree = disagree = 0
    for group in by_person(sample()).values():
        numbers = {
            re.sub(r"[\s-]", "", n).upper() for r in group for n in r.entity["properties"].get("passportNumber", ())
        }
        if len(numbers) == 1:
            agree += 1
        elif numbers:
            disagree += 1
    assert agree > 0 and disagree / (agree + disagree) < 0.08


# --- Realism of names --------------------------------------------------------------------------


def test_names_come_in_scripts_kunyas_and_member_spellings() -> None:
    names = values(sample(), "name")
    everything = " ".join(names + values(sample(), "alias") + values(sample(), "weakAlias"))
    assert sum(1 for n in names if ARABIC.search(n)) > 0.04 * len(names)
    assert any(CYRILLIC.search(n) for n in names)
    for spelling in ("Mohamed", "Mohammed", "Muhammed", "Oussama", "Usama", "Abdelkader", "Abdul Qadir"):
        assert spelling in everything, spelling
    for particle in ("al-", "Al ", "El ", "bin ", "ben ", "Abu ", "Abou ", "Umm "):
        assert particle in everything, particle
    assert any(n.startswith(("Abu ", "Abou ", "Ebu ", "أبو ")) for n in names)  # kunya as the only name


def test_every_default_member_contributes() -> None:
    assert {r.member for r in sample()} == set(DEFAULT_MEMBERS)


def test_members_can_be_restricted() -> None:
    records = list(generate(300, members=("FRA", "USA")))
    assert {r.member for r in records} == {"FRA", "USA"}


# --- Labelled pairs ------------------------------------------------------------------------------


def test_labelled_pairs_hold_both_classes_with_true_labels() -> None:
    records = sample(3000)
    person_of = {r.entity["id"]: r.person for r in records}
    pairs = labelled_pairs(records)
    positives = [p for p in pairs if p[2]]
    negatives = [p for p in pairs if not p[2]]
    assert positives and negatives
    assert 2.5 * len(positives) < len(negatives) <= 3 * len(positives)
    for a, b, same in pairs:
        assert (person_of[a["id"]] == person_of[b["id"]]) == same
        assert a["id"] != b["id"]
    assert labelled_pairs(records) == pairs


def test_labelled_pairs_cap_positives_per_person() -> None:
    records = sample(3000)
    person_of = {r.entity["id"]: r.person for r in records}
    per_person = Counter(person_of[a["id"]] for a, _, same in labelled_pairs(records) if same)
    assert max(per_person.values()) <= 6


def test_hard_negatives_share_name_words_and_include_lookalikes() -> None:
    records = sample(3000)
    record_of = {r.entity["id"]: r for r in records}
    negatives = [(record_of[a["id"]], record_of[b["id"]]) for a, b, same in labelled_pairs(records) if not same]

    def words(record: SyntheticRecord) -> set[str]:
        names = record.entity["properties"]["name"]
        return {w.lower() for n in names for w in re.split(r"[\s,-]+", n) if len(w) > 3}

    def resembles(a: SyntheticRecord, b: SyntheticRecord) -> bool:
        return (a.truth is not None and a.truth.lookalike_of == b.person) or (
            b.truth is not None and b.truth.lookalike_of == a.person
        )

    assert sum(1 for a, b in negatives if words(a) & words(b)) > 0.3 * len(negatives)
    assert sum(1 for a, b in negatives if resembles(a, b)) > 0.05 * len(negatives)


# --- Speed ---------------------------------------------------------------------------------------


def test_twenty_thousand_records_take_under_two_seconds() -> None:
    # CPU time, not wall time: the bound is about the generator, not about a busy test machine.
    start = time.process_time()
    count = sum(1 for _ in generate(20_000, seed=1))
    assert count == 20_000
    assert time.process_time() - start < 2.0
