"""The resolved person per viewer: built only from readable records and the links between them."""

from __future__ import annotations

from typing import Any

import pytest

from intelcell.cell import Cell
from intelcell.fighters import resolution, resolved, review
from intelcell.store.schema import person_links
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person
from tests.fighters.test_resolution import B1, B2, B3, submit

FRENCH = "FRA SECRET"


def link(cell: Cell, a: str, b: str, state: str = "auto", score: float = 0.99) -> None:
    """Store a link as a run (or a decision) would, and recluster its records."""
    a, b = sorted((a, b))
    with cell.db.write() as conn:
        conn.execute(person_links.delete().where(person_links.c.a_id == a, person_links.c.b_id == b))
        conn.execute(
            person_links.insert().values(
                a_id=a, b_id=b, score=score, algorithm="test", features="[]", state=state, created_at=cell.clock()
            )
        )
        resolution.recluster(conn, {a, b})


def view(cell: Cell, viewer: User, any_id: str) -> dict[str, Any] | None:
    with cell.db.read() as conn:
        return resolved.person_view(cell, conn, viewer, any_id)


def listing(cell: Cell, viewer: User, **options: Any) -> tuple[list[dict[str, Any]], int]:
    with cell.db.read() as conn:
        return resolved.persons_of(cell, conn, viewer, **options)


@pytest.fixture
def split(cell: Cell, fra: User, irq: User) -> None:
    """b1 (FRA, French-only label) is linked to b2 and b3 (IRQ, coalition label), which are linked together."""
    submit(cell, fra, FRENCH, B1)
    submit(cell, irq, SECRET, B2, B3)
    resolution.resolve(cell)


def test_viewer_reading_every_record_sees_the_whole_person(cell: Cell, split: None, fra: User) -> None:
    found = view(cell, fra, "IRQ-b2")
    assert found is not None
    assert found["id"] == "person-FRA-b1"
    assert [r["id"] for r in found["records"]] == ["FRA-b1", "IRQ-b2", "IRQ-b3"]
    assert found["size"] == 3
    assert found["label"] == "FRA SECRET", "the dominant label: releasable to FRA alone"
    assert {(s["member"], s["label"]) for s in found["sources"]} == {("FRA", FRENCH), ("IRQ", SECRET)}
    assert {(lk["a"], lk["b"], lk["state"]) for lk in found["links"]} == {
        ("FRA-b1", "IRQ-b2", "auto"),
        ("FRA-b1", "IRQ-b3", "auto"),
        ("IRQ-b2", "IRQ-b3", "suggested"),
    }


def test_viewer_reading_some_records_sees_a_person_made_of_those_only(cell: Cell, split: None, irq: User) -> None:
    # IRQ cannot read b1; b2-b3 is only a suggestion, so each is a person of its own for IRQ.
    found = view(cell, irq, "IRQ-b2")
    assert found is not None
    assert found["id"] == "person-IRQ-b2"
    assert [r["id"] for r in found["records"]] == ["IRQ-b2"]
    assert found["size"] == 1 and found["links"] == []
    assert found["label"] == SECRET, "the dominant label of the readable records only"
    names = [n["name"] for group in found["aliases"] for n in group["names"]]
    assert names == ["أبو بكر البغدادي"], "no name from the hidden record"
    assert "FRA" not in repr(found), "nothing of the French record, not even its member"


def test_records_linked_only_through_a_hidden_record_are_not_one_person(
    cell: Cell, split: None, fra: User, irq: User
) -> None:
    # For FRA: b1-b2-b3 is one person. For IRQ the only path between b2 and b3 runs through b1.
    found = view(cell, irq, "IRQ-b3")
    assert found is not None and [r["id"] for r in found["records"]] == ["IRQ-b3"]
    people, total = listing(cell, irq)
    assert (people, total) == ([], 0), "no person of several records for IRQ"
    people, total = listing(cell, fra)
    assert total == 1 and people[0]["records"] == ["FRA-b1", "IRQ-b2", "IRQ-b3"]


def test_link_between_readable_records_makes_them_one_person_for_the_viewer(cell: Cell, split: None, irq: User) -> None:
    link(cell, "IRQ-b2", "IRQ-b3", "confirmed")
    found = view(cell, irq, "person-IRQ-b2")
    assert found is not None
    assert [r["id"] for r in found["records"]] == ["IRQ-b2", "IRQ-b3"]
    assert [(lk["a"], lk["b"]) for lk in found["links"]] == [("IRQ-b2", "IRQ-b3")], "no link to the hidden b1"
    people, total = listing(cell, irq)
    assert total == 1 and people[0]["size"] == 2 and people[0]["members"] == ["IRQ"]


def test_cluster_of_unreadable_records_is_none_like_an_unknown_id(cell: Cell, split: None, fra_low: User) -> None:
    for any_id in ("FRA-b1", "person-FRA-b1", "IRQ-b2", resolution.cluster_id("FRA-b1")):
        assert view(cell, fra_low, any_id) is None
    assert view(cell, fra_low, "FRA-nobody") is None
    assert listing(cell, fra_low, min_records=1) == ([], 0)


def test_stored_cluster_ids_are_not_an_oracle(cell: Cell, split: None, irq: User) -> None:
    # The stored cluster is named after the hidden b1: its id must answer like any unknown id.
    assert view(cell, irq, resolution.cluster_id("FRA-b1")) is None
    assert view(cell, irq, resolution.cluster_id("IRQ-b2")) is None


def test_a_rejection_between_readable_records_keeps_them_apart(cell: Cell, fra: User) -> None:
    submit(cell, fra, SECRET, B1, B2, B3)
    resolution.resolve(cell)
    review.decide(cell, fra, "FRA-b2", "FRA-b3", "reject", path="test")
    found = view(cell, fra, "FRA-b1")
    assert found is not None and len(found["records"]) == 2, "b1-b2 and b1-b3 cannot both hold"


def test_aliases_are_grouped_across_scripts_with_their_script(cell: Cell, fra: User) -> None:
    submit(cell, fra, SECRET, B1, B2, B3)
    resolution.resolve(cell)
    found = view(cell, fra, "FRA-b1")
    assert found is not None
    (group,) = found["aliases"]
    assert group["scripts"] == ["ARABIC", "LATIN"]
    by_name = {n["name"]: n for n in group["names"]}
    assert by_name["أبو بكر البغدادي"]["script"] == "ARABIC"
    assert by_name["Abou Bakr Al Baghdadi"]["records"] == ["FRA-b3"]
    assert by_name["Abu Bakr al-Baghdadi"]["properties"] == ["name"]


def test_persons_are_listed_with_sizes_counted_from_readable_records(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, FRENCH, B1)
    submit(cell, irq, SECRET, B2, B3, person("z1", "Omar Hassan", birth_date="1990"))
    resolution.resolve(cell)
    link(cell, "IRQ-b2", "IRQ-b3", "confirmed")
    fra_people, _ = listing(cell, fra)
    irq_people, _ = listing(cell, irq)
    assert [(p["id"], p["size"]) for p in fra_people] == [("person-FRA-b1", 3)]
    assert [(p["id"], p["size"]) for p in irq_people] == [("person-IRQ-b2", 2)]
    singles, total = listing(cell, irq, min_records=1)
    assert total == 2 and [p["id"] for p in singles] == ["person-IRQ-b2", "person-IRQ-z1"]
    page, total = listing(cell, irq, min_records=1, limit=1, offset=1)
    assert total == 2 and [p["id"] for p in page] == ["person-IRQ-z1"]


def test_label_problem_is_reported_when_readable_records_share_no_releasability(cell: Cell, fra: User) -> None:
    # FRA reads its own NATO SECRET // REL TO IRQ record as originator, and its FRA SECRET one:
    # no member may receive both, so no single label can mark the person.
    submit(cell, fra, FRENCH, B1)
    submit(cell, fra, "NATO SECRET // REL TO IRQ", B2)
    resolution.resolve(cell)
    found = view(cell, fra, "FRA-b1")
    assert found is not None and [r["id"] for r in found["records"]] == ["FRA-b1", "FRA-b2"]
    assert found["label"] is None
    assert "share no releasability" in found["label_problem"]
