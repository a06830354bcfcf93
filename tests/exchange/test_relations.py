"""Reading relations for the UI: references of a served body, objects referring to another, visible portions."""

from __future__ import annotations

import uuid

from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.exchange import reading
from tests.taxii.conftest import Taxii, sdo, taxii

__all__ = ["taxii"]

OPEN = "NATO RESTRICTED // REL TO COALITION"
SIGINT = "NATO SECRET // SIGINT"


def test_references_lists_links_but_not_who_made_or_marked_the_object() -> None:
    body = {
        "id": "report--1",
        "created_by_ref": "identity--maker",
        "object_marking_refs": ["marking-definition--x"],
        "sighting_of_ref": "threat-actor--a",
        "object_refs": ["location--b", 7, "intrusion-set--c"],
        "name": "not a ref",
    }
    assert reading.references(body) == [
        ("sighting_of_ref", "threat-actor--a"),
        ("object_refs", "location--b"),
        ("object_refs", "intrusion-set--c"),
    ]


def test_referring_skips_references_in_portions_the_reader_may_not_see(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    target = taxii.labelled(sdo("location", name="Raqqa", country="SY"), OPEN)
    taxii.labelled({}, SIGINT)
    sigint = marking.marking_id(parse(SIGINT, taxii.cell.vocabulary))
    report = taxii.labelled(
        sdo(
            "report",
            name="report with a hidden reference",
            object_refs=[target["id"]],
            granular_markings=[{"marking_ref": sigint, "selectors": ["object_refs"]}],
        ),
        OPEN,
    )
    visible = taxii.labelled(sdo("report", name="plain report", object_refs=[target["id"]]), OPEN)
    taxii.add([target, report, visible], define=True)
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.rel")
    deu, _ = make_user("DEU", "NATO SECRET", ("SIGINT",), name="deu.rel")
    cell = taxii.cell
    with cell.db.read() as conn:
        assert {s.version.stix_id for s in reading.referring(cell, conn, tur, target["id"])} == {visible["id"]}
        assert {s.version.stix_id for s in reading.referring(cell, conn, deu, target["id"])} == {
            visible["id"],
            report["id"],
        }
        stored = reading.latest(cell, conn, deu, report["id"])
        assert stored is not None
        assert reading.visible_portions(cell, conn, deu, stored.version) == {"object_refs": SIGINT}
        assert reading.visible_portions(cell, conn, tur, stored.version) == {}


def test_latest_of_leaves_out_missing_and_unreadable_ids(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    shared = taxii.labelled(sdo(name="shared"), OPEN)
    hidden = taxii.labelled(sdo(name="hidden"), SIGINT)
    taxii.add([shared, hidden], define=True)
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.rel")
    with taxii.cell.db.read() as conn:
        found = reading.latest_of(taxii.cell, conn, tur, [shared["id"], hidden["id"], f"threat-actor--{uuid.uuid4()}"])
    assert list(found) == [shared["id"]]
