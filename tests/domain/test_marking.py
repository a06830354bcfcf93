"""Labels as STIX marking-definitions: deterministic ids, valid STIX, TLP 2.0's fixed ids."""

from __future__ import annotations

import pytest
import stix2
from hypothesis import given

from intelcell.domain import marking
from intelcell.domain.label import Label, LabelError, parse
from tests.helpers import cell_data
from tests.strategies import labels

V = cell_data().vocabulary


def test_same_label_has_the_same_id_however_it_was_written() -> None:
    a = parse("NATO SECRET // REL TO COALITION, IRQ // ORCON", V)
    b = parse("nato secret//rel to IRQ , coalition//orcon", V)
    assert marking.marking_id(a) == marking.marking_id(b)
    assert marking.marking_id(a) != marking.marking_id(parse("NATO SECRET // REL TO COALITION", V))


def test_ids_are_pinned_so_every_server_agrees() -> None:
    # UUIDv5 of the canonical text in the published namespace: changing either breaks federation.
    assert marking.marking_id(parse("NATO SECRET", V)) == (
        "marking-definition--" + str(__import__("uuid").uuid5(marking.LABEL_NAMESPACE, "NATO SECRET"))
    )


@given(labels())
def test_marking_definition_is_valid_stix_and_reads_back(label: Label) -> None:
    md = marking.marking_definition(label)
    parsed = stix2.parse(md, allow_custom=True)
    assert parsed.id == md["id"] and parsed.name == label.text()
    assert marking.label_from_marking(md, V) == label


def test_a_marking_whose_id_does_not_match_its_label_is_refused() -> None:
    md = marking.marking_definition(parse("NATO SECRET", V))
    md["extensions"][marking.EXTENSION_ID]["classification"] = "UNCLASSIFIED"
    with pytest.raises(LabelError, match="is not the id of label"):
        marking.label_from_marking(md, V)


@pytest.mark.parametrize(
    ("level", "oasis_id"),
    [
        ("CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
        ("GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
        ("AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
        ("AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
        ("RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"),
    ],
)
def test_tlp_2_markings_use_the_oasis_ids(level: str, oasis_id: str) -> None:
    md = marking.tlp_marking_definition(level)
    assert md["id"] == oasis_id and marking.TLP_BY_ID[oasis_id] == level
    assert stix2.parse(md).name == f"TLP:{level}"


def test_published_extension_definition_is_valid_stix() -> None:
    ext = stix2.parse(marking.extension_definition(), allow_custom=True)
    identity = stix2.parse(marking.publisher_identity())
    assert ext.created_by_ref == identity.id
    assert ext.extension_types == ["property-extension"]
