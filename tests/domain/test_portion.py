"""Portion labels: a reader who may not read a portion gets the object without it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.label import Label
from intelcell.domain.portion import SelectorError, check_selector, parse_selector, redact, withhold

SECRET = Label("NATO", "SECRET")
OPEN = Label("NATO", "UNCLASSIFIED")
REPORT = {
    "type": "report",
    "name": "Flows",
    "description": "two HUMINT networks",
    "external_references": [{"source_name": "a", "url": "https://a"}, {"source_name": "b"}],
    "labels": ["x", "y", "z"],
}


def deny_secret(label: Label) -> bool:
    return label.level < 3


def test_hidden_portion_is_removed_and_the_rest_kept() -> None:
    out = redact(REPORT, {"description": SECRET, "name": OPEN}, deny_secret)
    assert "description" not in out and out["name"] == "Flows"
    assert "HUMINT" not in repr(out)


def test_nested_and_list_portions_are_removed_without_shifting_others() -> None:
    portions = {"labels.[0]": SECRET, "labels.[2]": SECRET, "external_references.[0].url": SECRET}
    out = redact(REPORT, portions, deny_secret)
    assert out["labels"] == ["y"]
    assert out["external_references"] == [{"source_name": "a"}, {"source_name": "b"}]


def test_redact_does_not_change_the_stored_object() -> None:
    redact(REPORT, {"description": SECRET}, deny_secret)
    assert REPORT["description"] == "two HUMINT networks"


@pytest.mark.parametrize("selector", ["", ".a", "a.", "[0]", "a.[x]", "a[0]", "a..b"])
def test_malformed_selectors_are_refused(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(selector)


@pytest.mark.parametrize("selector", ["missing", "labels.[3]", "name.[0]", "external_references.[1].url"])
def test_selectors_that_name_nothing_are_refused(selector: str) -> None:
    with pytest.raises(SelectorError, match="names no value"):
        check_selector(REPORT, selector)


@given(st.sets(st.sampled_from(["name", "description", "labels.[0]", "labels.[1]", "labels.[2]"])))
def test_a_reader_cleared_for_everything_sees_the_whole_object(selectors: set[str]) -> None:
    assert redact(REPORT, dict.fromkeys(selectors, SECRET), lambda _label: True) == REPORT


def test_withholding_keeps_the_marking_of_every_portion_still_shown() -> None:
    obj = {
        "name": "x",
        "description": "secret body",
        "object_refs": ["a--1", "b--2"],
        "granular_markings": [
            {"marking_ref": "marking-definition--s", "selectors": ["description", "object_refs.[0]"]},
            {"marking_ref": "marking-definition--n", "selectors": ["object_refs.[1]"]},
        ],
    }
    shown = withhold(obj, {"object_refs.[1]"})
    assert "object_refs" not in shown and shown["description"] == "secret body"
    # The body is still shown, so it must still say it is a portion under its own (stricter) label.
    assert shown["granular_markings"] == [{"marking_ref": "marking-definition--s", "selectors": ["description"]}]
    assert "granular_markings" not in withhold(obj, {"description", "object_refs.[0]", "object_refs.[1]"})
