"""Label text: canonical parse and render, and a clear reason for every invalid label."""

from __future__ import annotations

import pytest
from hypothesis import given

from intelcell.domain.label import Label, LabelError, from_json, parse, render
from tests.helpers import cell_data
from tests.strategies import labels

V = cell_data().vocabulary


@pytest.mark.parametrize(
    "text",
    [
        "NATO SECRET // REL TO COALITION, IRQ // ORCON",
        "NATO UNCLASSIFIED // TLP:AMBER",
        "FRA CONFIDENTIAL // REL TO BEL, DEU",
        "NATO COSMIC TOP SECRET // ATOMAL",
        "USA TOP SECRET // REL TO GBR // SIGINT, ORCON // TLP:RED",
        "NATO UNCLASSIFIED // TLP:CLEAR",
    ],
)
def test_design_examples_round_trip_exactly(text: str) -> None:
    assert render(parse(text, V)) == text


def test_parse_reads_the_parts_of_the_design_example() -> None:
    label = parse("NATO SECRET // REL TO COALITION, IRQ // ORCON", V)
    assert label == Label("NATO", "SECRET", frozenset({"COALITION", "IRQ"}), frozenset(), frozenset({"ORCON"}))
    assert label.level == 3


def test_parse_normalises_case_spacing_and_order_to_canonical() -> None:
    assert parse("nato  secret //rel to  IRQ,coalition// tlp:amber", V).text() == (
        "NATO SECRET // REL TO COALITION, IRQ // TLP:AMBER"
    )


def test_national_and_nato_top_levels_are_equivalent() -> None:
    assert parse("FRA TOP SECRET", V).level == parse("NATO COSMIC TOP SECRET", V).level == 4


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("XYZ SECRET", "unknown policy 'XYZ'"),
        ("NATO", "missing classification"),
        ("NATO TOP SECRET", "not a NATO classification"),
        ("FRA COSMIC TOP SECRET", "national top level of FRA is TOP SECRET"),
        ("NATO SUPERSECRET", "unknown classification 'SUPERSECRET'"),
        ("NATO SECRET // REL TO XXX", "unknown member or community 'XXX'"),
        ("NATO SECRET // REL TO FRA, FRA", "'FRA' appears more than once"),
        ("NATO SECRET // REL TO FRA // REL TO DEU", "REL TO appears more than once"),
        ("NATO SECRET // REL TO", "empty entry"),
        ("NATO SECRET // REL TO FRA,", "empty entry"),
        ("NATO SECRET // NOFORN", "unknown caveat or label segment 'NOFORN'"),
        ("NATO SECRET // ATOMAL // ATOMAL", "'ATOMAL' appears more than once"),
        ("NATO SECRET // TLP:AMBER // TLP:RED", "TLP appears more than once"),
        ("NATO SECRET // TLP:PURPLE", "unknown TLP level 'PURPLE'"),
        ("NATO SECRET // TLP:CLEAR", "contradicts"),
        ("NATO SECRET //  // ORCON", "empty segment"),
    ],
)
def test_invalid_labels_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(LabelError, match=reason.replace("(", r"\(")):
        parse(text, V)


@given(labels())
def test_render_then_parse_gives_back_the_same_label(label: Label) -> None:
    assert parse(render(label), V) == label


@given(labels())
def test_render_is_a_fixed_point_of_parse(label: Label) -> None:
    text = render(label)
    assert render(parse(text, V)) == text


@given(labels())
def test_structured_json_round_trips(label: Label) -> None:
    assert from_json(label.to_json(), V) == label


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"policy": "NATO"}, "needs 'policy' and 'classification'"),
        ({"policy": "NATO", "classification": "SECRET", "colour": "red"}, "unknown label field"),
        ({"policy": "NATO", "classification": "SECRET", "caveats": "ORCON"}, "list of strings"),
        ({"policy": "NATO", "classification": "SECRET", "tlp": 3}, "string or null"),
        ([], "object or a text"),
    ],
)
def test_invalid_structured_labels_are_refused(data: object, reason: str) -> None:
    with pytest.raises(LabelError, match=reason):
        from_json(data, V)  # type: ignore[arg-type]
