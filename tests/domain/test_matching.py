"""Algorithm intelcell-ftf-v2: every feature explains itself, evidence moves the score the way an
analyst expects, and the score does not depend on which record is the query."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.domain.matching import features
from intelcell.domain.matching.ftf_v2 import NAME, THRESHOLD, WEIGHTS, compare
from intelcell.domain.person import Profile, blocking_keys, clean_properties, profile_of


def person(**properties: str | list[str]) -> Profile:
    """The profile of a record given as keyword properties (a string stands for a one-item list)."""
    props = {k: v if isinstance(v, list) else [v] for k, v in properties.items()}
    return profile_of(clean_properties(props))


def value_of(feature: str, a: Profile, b: Profile) -> float:
    return next(f.value for f in compare(a, b).features if f.name == feature)


BAGHDADI = person(name="Abu Bakr al-Baghdadi", birthDate="1971-07-28", nationality="iq", gender="male")


def test_algorithm_is_named_and_versioned() -> None:
    assert NAME == "intelcell-ftf-v2"
    assert compare(BAGHDADI, BAGHDADI).algorithm == "intelcell-ftf-v2"


def test_every_feature_is_reported_with_an_explanation() -> None:
    found = compare(BAGHDADI, person(name="Abou Bakr Al Baghdadi", birthDate="1971"))
    assert [f.name for f in found.features] == [function.__name__ for function, _ in WEIGHTS]
    for feature in found.features:
        assert isinstance(feature.explanation, str)
        assert feature.explanation.strip()
        assert 0.0 <= feature.value <= 1.0
    assert set(found.feature_values()) == {function.__name__ for function, _ in WEIGHTS}


def test_every_feature_function_has_an_analyst_facing_docstring() -> None:
    for function, _ in WEIGHTS:
        assert function.__doc__ and function.__doc__.strip()


def test_feature_json_shows_value_weight_contribution_and_explanation() -> None:
    found = compare(BAGHDADI, BAGHDADI)
    name = next(f for f in found.features if f.name == "name_similar").to_json()
    assert {k: v for k, v in name.items() if k != "explanation"} == {
        "name": "name_similar",
        "value": 1.0,
        "weight": 10.0,
        "contribution": 10.0,
    }
    assert name["explanation"].startswith("'Abu Bakr al-Baghdadi' vs 'Abu Bakr al-Baghdadi': ")
    assert all(token in name["explanation"] for token in ("abu", "bakr", "baghdadi"))


def test_same_record_is_a_match() -> None:
    found = compare(BAGHDADI, BAGHDADI)
    assert found.match
    assert found.score >= THRESHOLD


def test_spelling_across_scripts_with_consistent_birth_year_is_a_match() -> None:
    assert compare(BAGHDADI, person(name="أبو بكر البغدادي", birthDate="1971")).match


def test_different_people_are_no_match() -> None:
    found = compare(BAGHDADI, person(name="Ayman al-Zawahiri", birthDate="1951-06-19", nationality="eg"))
    assert not found.match
    assert found.score < 0.05


def test_twenty_three_years_between_birth_dates_drags_an_identical_name_below_threshold() -> None:
    a = person(name="Osama bin Laden", birthDate="1957")
    b = person(name="Osama bin Laden", birthDate="1980")
    assert compare(a, person(name="Osama bin Laden")).match
    found = compare(a, b)
    assert found.score < THRESHOLD
    assert not found.match
    assert value_of("birth_year_disjoint", a, b) == 1.0
    assert "23 year(s) apart" in next(f.explanation for f in found.features if f.name == "birth_year_disjoint")


@pytest.mark.parametrize(
    ("a", "b", "feature"),
    [
        ("1957-03-10", "1957-03-10", "birth_date_same_day"),
        ("1957", "1957-03-10", "birth_date_consistent"),
        ("1957-03", "1957-03-10", "birth_date_consistent"),
        ("1957-03-10", "1957-10-03", "birth_date_clerical_slip"),
        ("1957", "1962", "birth_year_disjoint"),
    ],
)
def test_birth_date_evidence_names_the_relation(a: str, b: str, feature: str) -> None:
    birth_features = {"birth_date_same_day", "birth_date_consistent", "birth_date_clerical_slip", "birth_year_disjoint"}
    x, y = person(name="Osama bin Laden", birthDate=a), person(name="Osama bin Laden", birthDate=b)
    assert {name for name in birth_features if value_of(name, x, y) > 0} == {feature}


def test_birth_dates_one_year_apart_are_a_clerical_slip() -> None:
    a = person(name="Osama bin Laden", birthDate="1957-03-10")
    b = person(name="Osama bin Laden", birthDate="1958-03-10")
    assert value_of("birth_date_clerical_slip", a, b) == 1.0
    assert "differ by one year" in next(
        f.explanation for f in compare(a, b).features if f.name == "birth_date_clerical_slip"
    )


def test_birth_date_evidence_ranks_exact_above_partial_above_slip_above_disjoint() -> None:
    query = person(name="Osama bin Laden", birthDate="1957-03-10")
    scores = [
        compare(query, person(name="Osama bin Laden", birthDate=other)).score
        for other in ("1957-03-10", "1957", "1957-10-03", "1962")
    ]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4


def test_shared_passport_number_lifts_a_weak_name_match_over_threshold() -> None:
    weak_names = ("Muhammad Ibrahim Awad", "Ibrahim Awad al-Badri al-Samarrai")
    assert not compare(person(name=weak_names[0]), person(name=weak_names[1])).match
    with_passport = compare(
        person(name=weak_names[0], passportNumber="A1234567"),
        person(name=weak_names[1], passportNumber="a-123 4567"),
    )
    assert with_passport.match
    assert next(f for f in with_passport.features if f.name == "document_number_match").value == 1.0


def test_passport_number_one_typing_slip_apart_counts_partly() -> None:
    a = person(name="Osama bin Laden", passportNumber="A1234567")
    b = person(name="Osama bin Laden", passportNumber="A1234568")
    assert value_of("document_number_match", a, b) == 0.7


def test_gender_mismatch_lowers_the_score() -> None:
    a = person(name="Abu Bakr al-Baghdadi", gender="male")
    unknown = compare(a, person(name="Abou Bakr Al Baghdadi")).score
    same = compare(a, person(name="Abou Bakr Al Baghdadi", gender="male")).score
    other = compare(a, person(name="Abou Bakr Al Baghdadi", gender="female")).score
    assert other < same == unknown
    assert other < THRESHOLD


def test_nationality_shared_raises_and_disjoint_lowers_the_score() -> None:
    base = compare(person(name="Osama bin Laden"), person(name="Osama bin Laden")).score
    shared = compare(person(name="Osama bin Laden", nationality="sa"), person(name="Osama bin Laden", nationality="sa"))
    disjoint = compare(
        person(name="Osama bin Laden", nationality="sa"), person(name="Osama bin Laden", nationality="fr")
    )
    assert disjoint.score < base < shared.score


def test_shared_birth_place_raises_the_score() -> None:
    base = compare(person(name="Osama bin Laden"), person(name="Usama bin Ladin")).score
    placed = compare(
        person(name="Osama bin Laden", birthPlace="Riyadh, Saudi Arabia"),
        person(name="Usama bin Ladin", birthPlace="Riyadh"),
    ).score
    assert placed > base


def test_weak_alias_match_counts_less_than_the_same_strong_name() -> None:
    strong = compare(person(name="Abu Dua"), person(name="Abu Dua Ibrahim")).score
    weak = compare(person(name="Osama bin Laden", weakAlias="Abu Dua"), person(name="Abu Dua Ibrahim")).score
    assert weak < strong


def value_of_with(feature: str, a: Profile, b: Profile, frequencies: dict[str, int]) -> float:
    return next(f.value for f in compare(a, b, frequencies=frequencies).features if f.name == feature)


def common(profile: Profile, n: int) -> dict[str, int]:
    """Key counts saying that ``n`` stored records hold each of ``profile``'s keys."""
    return dict.fromkeys(blocking_keys(profile), n)


def test_a_common_name_counts_for_less_and_says_how_many() -> None:
    a, b = person(name="Burak Gül", nationality="tr"), person(name="Burak Gul", nationality="tr")
    alone, crowded = compare(a, b), compare(a, b, frequencies=common(a, 5000))
    assert alone.match and not crowded.match
    feature = next(f for f in crowded.features if f.name == "name_common")
    assert feature.value > 0.9 and "5,000 stored record(s) hold the name parts" in feature.explanation
    assert "burak" in feature.explanation and "gul" in feature.explanation


def test_a_name_no_other_record_holds_costs_nothing() -> None:
    a = person(name="Burak Gül", birthDate="1980")
    assert compare(a, a, frequencies=common(a, 1)).score == compare(a, a).score
    assert compare(a, a, frequencies={}).score == compare(a, a).score  # keys nobody else holds
    assert next(f for f in compare(a, a).features if f.name == "name_common").explanation == (
        "name frequencies not consulted"
    )


def test_corroborating_evidence_still_carries_a_common_name_over_the_threshold() -> None:
    a = person(name="Burak Gül", birthDate="1980-04-02", passportNumber="U1234567")
    assert compare(a, a, frequencies=common(a, 10_000)).match


def test_the_count_is_that_of_the_rarest_key_naming_every_matched_part() -> None:
    a = person(name="Burak Gül")
    counts = {"s:brk": 5000, "s:gl": 5000, "p:brk|gl": 1}  # common parts, but one record holds both
    assert value_of_with("name_common", a, a, counts) == 0.0


def test_a_name_written_as_one_word_is_counted_by_its_parts() -> None:
    spaced, joined = person(name="Abu Bakr"), person(name="Abubakr")
    assert value_of_with("name_common", spaced, joined, common(spaced, 5000)) > 0.9


def test_a_long_name_is_counted_by_its_indexed_parts() -> None:
    long_name = "Ahmad Bashir Karim Hamid Jalal Nabil Qasim Rashid Samir Tariq Walid"
    full, shorter = person(name=long_name), person(name=long_name.replace("Bashir ", ""))
    assert value_of_with("name_common", full, shorter, common(full, 5000)) > 0.9


def test_a_fathers_and_a_mothers_kunya_are_two_people() -> None:
    father, mother = person(name="Abu Usama al-Kasachi"), person(name="Umm Usama Al-Kasachi")
    assert value_of("kunyas_differ", father, mother) == 1.0
    assert compare(father, person(name="Abou Oussama al-Kasachi")).match
    assert not compare(father, mother).match
    assert value_of("kunyas_differ", person(name="أبو أسامة"), person(name="أم أسامة")) == 1.0
    assert value_of("kunyas_differ", father, person(name="Abou Oussama")) == 0.0
    assert value_of("kunyas_differ", father, person(name="Umm Kulthum al-Kasachi")) == 0.0  # another child
    assert value_of("kunyas_differ", person(name="Haji Abu Usama"), person(name="Umm Usama")) == 1.0


def test_threshold_can_be_chosen_by_the_caller() -> None:
    assert not compare(BAGHDADI, BAGHDADI, threshold=0.9999).match


def test_features_module_functions_are_all_weighted() -> None:
    public = {
        name
        for name in dir(features)
        if not name.startswith("_")
        and callable(getattr(features, name))
        and getattr(features, name).__module__ == features.__name__
    }
    assert public - {"best_name_match", "Pair"} == {function.__name__ for function, _ in WEIGHTS}


# --- Laws ------------------------------------------------------------------------------------

NAMES = (
    "Abu Bakr al-Baghdadi", "Abou Bakr Al Baghdadi", "أبو بكر البغدادي", "Osama bin Laden", "أسامة بن لادن",
    "Мухаммад Али", "Ayman al-Zawahiri", "Ibrahim Awad al-Badri", "Umm Sayyaf", "Fatima Ahmed",
)  # fmt: skip
PASSPORTS = ("A1234567", "A1234568", "B7654321")  # equal lengths; two are one slip apart

profiles = st.fixed_dictionaries(
    {"name": st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True)},
    optional={
        "weakAlias": st.lists(st.sampled_from(("Abu Dua", "Dr Ibrahim", "Abu Abdullah")), min_size=1, max_size=1),
        "birthDate": st.lists(
            st.sampled_from(("1957", "1957-03-10", "1957-10-03", "1958-03-10", "1971-07", "1980")),
            max_size=1,
        ),
        "nationality": st.lists(st.sampled_from(("iq", "sa", "fr")), max_size=2, unique=True),
        "gender": st.sampled_from((["male"], ["female"])),
        "passportNumber": st.lists(st.sampled_from(PASSPORTS), max_size=1),
        "birthPlace": st.lists(st.sampled_from(("Samarra, Iraq", "Riyadh", "Riyadh, Saudi Arabia")), max_size=1),
    },
).map(lambda props: profile_of(clean_properties(props)))


@given(profiles, profiles)
@settings(max_examples=200)
def test_score_does_not_depend_on_which_record_is_the_query(a: Profile, b: Profile) -> None:
    forward, backward = compare(a, b), compare(b, a)
    assert forward.score == pytest.approx(backward.score, abs=1e-9)
    assert forward.feature_values() == backward.feature_values()


@given(profiles, profiles)
@settings(max_examples=100)
def test_score_is_a_probability_and_match_means_at_least_threshold(a: Profile, b: Profile) -> None:
    found = compare(a, b)
    assert 0.0 <= found.score <= 1.0
    assert found.match is (found.score >= THRESHOLD) or abs(found.score - THRESHOLD) < 1e-4


@given(profiles, profiles, st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=10))
@settings(max_examples=150)
def test_namesakes_never_raise_a_score(a: Profile, b: Profile, held: int, more: int) -> None:
    fewer, many = common(a, held), common(a, held * more)
    plain = compare(a, b).score
    assert compare(a, b, frequencies=fewer).score <= plain
    assert compare(a, b, frequencies=many).score <= compare(a, b, frequencies=fewer).score
