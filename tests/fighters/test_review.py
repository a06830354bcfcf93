"""The review queue: suggestions both of whose records the caller reads; decisions stored, audited, kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.fighters import resolution, review
from intelcell.fighters.review import ReviewError
from intelcell.store import audit
from intelcell.store.schema import audit_log, person_clusters, person_links
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person
from tests.fighters.test_resolution import B1, B2, B3, submit
from tests.helpers import user

#: Mohammed Emwazi as three members write him: m1-m2 share the day of birth (auto), m1-m3 and
#: m2-m3 only names (suggested).
M1 = person("m1", "Mohammed Emwazi", birth_date="1988-08-17", nationality="gb")
M2 = person("m2", "Muhammad Emwazi", birth_date="1988-08-17", nationality="gb")
M3 = person("m3", "Mohamed Emwazi", nationality="kw")


@pytest.fixture
def emwazi(cell: Cell, fra: User, irq: User) -> None:
    """FRA holds m1 under a coalition label and m3 under a French-only label; IRQ holds m2."""
    submit(cell, fra, SECRET, M1)
    submit(cell, fra, "FRA SECRET", M3)
    submit(cell, irq, SECRET, M2)
    resolution.resolve(cell)


def queued(cell: Cell, viewer: User) -> tuple[list[tuple[str, str]], int]:
    with cell.db.read() as conn:
        page = review.queue(cell, conn, viewer)
    return [(item["a"]["id"], item["b"]["id"]) for item in page.items], page.total


def test_queue_holds_suggestions_whose_two_records_the_caller_reads(cell: Cell, emwazi: None, fra: User) -> None:
    assert queued(cell, fra) == ([("FRA-m1", "FRA-m3"), ("FRA-m3", "IRQ-m2")], 2)
    with cell.db.read() as conn:
        item = review.queue(cell, conn, fra).items[0]
    assert item["a"]["caption"] == "Mohammed Emwazi" and item["b"]["label"] == "FRA SECRET"
    assert {f["name"] for f in item["features"]} >= {"name_similar"}


def test_link_to_an_unreadable_record_is_not_in_the_queue_nor_its_count(cell: Cell, emwazi: None, irq: User) -> None:
    # IRQ reads m1 and m2 but not m3 (FRA SECRET): both suggestions involve m3.
    assert queued(cell, irq) == ([], 0)


def test_queue_is_empty_for_a_viewer_cleared_below_the_records(cell: Cell, emwazi: None, fra_low: User) -> None:
    assert queued(cell, fra_low) == ([], 0)


def test_decision_is_stored_with_who_and_when_and_leaves_the_queue(cell: Cell, emwazi: None, fra: User) -> None:
    link = review.decide(cell, fra, "FRA-m3", "FRA-m1", "confirm", path="test")
    assert (link["a"], link["b"], link["state"]) == ("FRA-m1", "FRA-m3", "confirmed")
    assert link["decided"] == {"member": "FRA", "user": "claire", "at": "2026-11-28T09:00:00.000000Z"}
    assert queued(cell, fra) == ([("FRA-m3", "IRQ-m2")], 1)
    with cell.db.read() as conn:
        row = conn.execute(
            select(person_links).where(person_links.c.b_id == "FRA-m3", person_links.c.a_id == "FRA-m1")
        ).one()
        assert (row.state, row.decided_by) == ("confirmed", fra.id)
        clusters = {r.person_id: r.cluster for r in conn.execute(select(person_clusters))}
    assert clusters["FRA-m1"] == clusters["FRA-m3"] == clusters["IRQ-m2"], "confirmed: the clusters follow"


def test_decision_is_audited_in_its_own_transaction(cell: Cell, emwazi: None, fra: User) -> None:
    before = _audit_count(cell)
    with cell.db.read() as conn:
        pair = (person_links.c.a_id == "FRA-m1") & (person_links.c.b_id == "IRQ-m2")
        machine_score = conn.execute(select(person_links.c.score).where(pair)).scalar_one()
    review.decide(cell, fra, "FRA-m1", "IRQ-m2", "reject", path="POST /api/v1/review/decisions")
    with cell.db.read() as conn:
        fields = json.loads(conn.execute(select(audit_log.c.fields).order_by(audit_log.c.seq.desc())).first()[0])
    assert _audit_count(cell) == before + 1
    assert fields["operation"] == "person.link.reject"
    assert fields["object_ids"] == ["FRA-m1", "IRQ-m2"]
    assert fields["labels"] == [SECRET, SECRET]
    assert fields["detail"] == {"decision": "reject", "previous": "auto", "score": pytest.approx(machine_score)}


def _audit_count(cell: Cell) -> int:
    with cell.db.read() as conn:
        return audit.count(conn)


def test_rejecting_an_auto_link_splits_the_cluster_now(cell: Cell, emwazi: None, irq: User) -> None:
    review.decide(cell, irq, "FRA-m1", "IRQ-m2", "reject", path="test")
    with cell.db.read() as conn:
        clusters = {r.person_id: r.cluster for r in conn.execute(select(person_clusters))}
    assert clusters["FRA-m1"] != clusters["IRQ-m2"]


def test_unreadable_record_is_refused_exactly_like_an_unknown_one(cell: Cell, emwazi: None, irq: User) -> None:
    with pytest.raises(ReviewError) as hidden:
        review.decide(cell, irq, "FRA-m3", "IRQ-m2", "confirm", path="test")
    with pytest.raises(ReviewError) as unknown:
        review.decide(cell, irq, "FRA-m9", "IRQ-m2", "confirm", path="test")
    assert (hidden.value.kind, hidden.value.reason) == ("not_found", "no person 'FRA-m3'")
    assert (unknown.value.kind, unknown.value.reason) == ("not_found", "no person 'FRA-m9'")
    assert _states(cell)[("FRA-m3", "IRQ-m2")] == "suggested", "nothing stored"


def _states(cell: Cell) -> dict[tuple[str, str], str]:
    with cell.db.read() as conn:
        return {(r.a_id, r.b_id): r.state for r in conn.execute(select(person_links))}


def test_only_analysts_and_administrators_decide(cell: Cell, emwazi: None) -> None:
    coordinator = user(cell, "FRA", "odile")
    coordinator = User(coordinator.id, "FRA", "odile", coordinator.clearance, "coordinator", False)
    with pytest.raises(ReviewError) as refused:
        review.decide(cell, coordinator, "FRA-m1", "FRA-m9", "confirm", path="test")
    assert refused.value.kind == "forbidden", "the role is checked before the records: no oracle"


@pytest.mark.parametrize(
    ("a", "b", "decision", "reason"),
    [
        ("FRA-m1", "FRA-m1", "confirm", "a record cannot be linked to itself"),
        ("FRA-m1", "FRA-m3", "merge", "decision must be one of confirm, reject"),
    ],
)
def test_invalid_decisions_are_refused(
    cell: Cell, emwazi: None, fra: User, a: str, b: str, decision: str, reason: str
) -> None:
    with pytest.raises(ReviewError) as refused:
        review.decide(cell, fra, a, b, decision, path="test")
    assert (refused.value.kind, refused.value.reason) == ("invalid_request", reason)


def test_a_pair_never_suggested_can_be_decided_and_keeps_its_evidence(cell: Cell, fra: User) -> None:
    submit(cell, fra, SECRET, B1, person("far", "Ibrahim Awad al-Badri", birth_date="1971"))
    resolution.resolve(cell)
    link = review.decide(cell, fra, "FRA-b1", "FRA-far", "confirm", path="test")
    assert link["state"] == "confirmed" and link["score"] < resolution.SUGGEST
    assert link["features"], "scored when decided"
    resolution.resolve(cell)
    assert _states(cell) == {("FRA-b1", "FRA-far"): "confirmed"}


def test_later_runs_respect_decisions_on_auto_links(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, SECRET, B1)
    submit(cell, irq, SECRET, B2, B3)
    resolution.resolve(cell)
    review.decide(cell, fra, "FRA-b1", "IRQ-b3", "reject", path="test")
    resolution.resolve(cell)
    resolution.resolve_records(cell, None, ["FRA-b1", "IRQ-b3"])
    assert _states(cell)[("FRA-b1", "IRQ-b3")] == "rejected"
