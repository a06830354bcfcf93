"""FollowTheMoney Person entities: every bad input of issue 4 is refused with a reason naming the
entity and property; the documented normalisation is applied to what is accepted."""

from __future__ import annotations

from typing import Any

import pytest

from intelcell.fighters.entities import EntityError, json_lines, validate, validate_all
from tests.fighters.builders import BAD_ENTITIES, person


@pytest.mark.parametrize(
    ("entity", "words"), [(e, w) for _n, e, w in BAD_ENTITIES], ids=[n for n, _e, _w in BAD_ENTITIES]
)
def test_bad_entity_is_refused_with_a_reason_naming_it(entity: Any, words: str) -> None:
    with pytest.raises(EntityError) as refused:
        validate(entity, "entities[0]")
    assert refused.value.reason.startswith("entities[0]")
    assert words in refused.value.reason
    if isinstance(entity, dict) and entity.get("id") == "ftf-1":
        assert "(id 'ftf-1')" in refused.value.reason


def test_refusal_of_an_over_long_name_states_the_maximum_and_does_not_echo_the_name() -> None:
    with pytest.raises(EntityError) as refused:
        validate(person(name="a" * 10_000), "entities[0]")
    assert "longer than 300 characters" in refused.value.reason
    assert len(refused.value.reason) < 200


def test_unpaired_surrogate_is_refused() -> None:
    with pytest.raises(EntityError, match="unpaired surrogate"):
        validate(person(name="Ali \ud800"), "entities[0]")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("\u202eAli Hassan", "Ali Hassan"),  # right-to-left override
        ("Ali\u200b Hassan\u200d", "Ali Hassan"),  # zero-width space and joiner
        ("\u2067أبو بكر\u2069 البغدادي", "أبو بكر البغدادي"),  # bidi isolates around Arabic
        ("  Ali   Hassan ", "Ali Hassan"),
        ("Ame\u0301lie", "Amélie"),  # NFC
    ],
)
def test_invisible_characters_are_stripped_by_the_documented_normalisation(written: str, stored: str) -> None:
    assert validate(person(name=written), "entities[0]").properties["name"] == [stored]


def test_name_of_only_invisible_characters_is_refused() -> None:
    with pytest.raises(EntityError, match="property 'name'"):
        validate(person(name="\u200b\u202e\u200d"), "entities[0]")


@pytest.mark.parametrize("date", ["1971", "1971-07", "1971-07-04"])
def test_partial_birth_dates_are_accepted_as_written(date: str) -> None:
    assert validate(person(birth_date=date), "entities[0]").properties["birthDate"] == [date]


@pytest.mark.parametrize("written", ["FRA", "fr", "France"])
def test_countries_are_stored_in_followthemoney_clean_form(written: str) -> None:
    assert validate(person(nationality=written), "entities[0]").properties["nationality"] == ["fr"]


def test_status_is_stored_lower_case_and_reported() -> None:
    entity = validate(person(status="Returned"), "entities[0]")
    assert entity.status == "returned"
    assert entity.properties["status"] == ["returned"]


def test_two_statuses_are_refused() -> None:
    with pytest.raises(EntityError, match="'status': one value"):
        entity = person()
        entity["properties"]["status"] = ["travelled", "returned"]
        validate(entity, "entities[0]")


def test_followthemoney_bookkeeping_keys_are_dropped_and_other_keys_refused() -> None:
    kept = validate({**person(), "caption": "x", "datasets": ["fr_ftf"], "referents": []}, "entities[0]")
    assert kept.body("FRA-ftf-1") == {
        "id": "FRA-ftf-1",
        "schema": "Person",
        "properties": {"name": ["Abu Bakr al-Baghdadi"]},
    }
    with pytest.raises(EntityError, match="unknown key"):
        validate({**person(), "secret": "x"}, "entities[0]")


def test_a_repeated_id_in_one_submission_is_refused() -> None:
    with pytest.raises(EntityError, match=r"repeats entities\[0\]"):
        validate_all([("entities[0]", person()), ("entities[1]", person())])


def test_malformed_json_line_names_its_line() -> None:
    lines = [b'{"id": "a", "schema": "Person", "properties": {"name": ["Ali"]}}\n', b"\n", b'{"id": "b", \n']
    with pytest.raises(EntityError, match=r"^line 3: not valid JSON"):
        list(json_lines(lines))


def test_blank_lines_are_skipped_and_lines_numbered_as_in_the_file() -> None:
    parsed = list(json_lines([b"\n", b'{"id": "a"}\n']))
    assert parsed == [("line 2", {"id": "a"})]
