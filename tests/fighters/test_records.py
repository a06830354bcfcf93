"""Person records in the store: submitted whole or not at all, versioned, with provenance, and
nonexistent for whoever may not read them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.domain.policy import Viewer, parse_clearance
from intelcell.fighters import records
from intelcell.fighters.records import SubmitError
from intelcell.store import audit
from intelcell.store.schema import persons
from intelcell.store.users import User
from tests.fighters.builders import BAD_ENTITIES, SECRET, person, stored_counts


def test_submitted_record_reads_back_with_its_provenance(cell: Cell, fra: User, clock: Any) -> None:
    [made] = records.submit(cell, fra, [person(birth_date="1971", nationality="IRQ", status="deceased")], SECRET)
    assert (made.id, made.version) == ("FRA-ftf-1", 1)
    with cell.db.read() as conn:
        found = records.get(cell, conn, fra, "FRA-ftf-1")
    assert found is not None
    assert found.to_json() == {
        "id": "FRA-ftf-1",
        "schema": "Person",
        "properties": {
            "name": ["Abu Bakr al-Baghdadi"],
            "birthDate": ["1971"],
            "nationality": ["iq"],
            "status": ["deceased"],
        },
        "intelcell": {
            "member": "FRA",
            "label": SECRET,
            "version": 1,
            "created": "2026-11-28T09:00:00.000000Z",
            "status": "deceased",
        },
    }
    assert found.profile == made.profile
    assert (found.discoverable, found.disclose_holder) == (True, False)


def test_resubmitting_an_entity_id_stores_a_new_current_version(cell: Cell, fra: User, clock: Any) -> None:
    records.submit(cell, fra, [person(birth_date="1971")], SECRET)
    clock.advance(hours=1)
    [second] = records.submit(cell, fra, [person(birth_date="1971-07", status="returned")], SECRET)
    assert second.version == 2
    with cell.db.read() as conn:
        current = records.get(cell, conn, fra, "FRA-ftf-1")
        history = records.versions(cell, conn, fra, "FRA-ftf-1")
        flags = conn.execute(select(persons.c.version, persons.c.is_current).order_by(persons.c.version)).all()
    assert current is not None and current.version == 2 and current.status == "returned"
    assert [(r.version, r.entity["properties"]["birthDate"]) for r in history] == [(1, ["1971"]), (2, ["1971-07"])]
    assert [(v, bool(c)) for v, c in flags] == [(1, False), (2, True)]


def test_an_identical_resubmission_stores_no_new_version(cell: Cell, fra: User) -> None:
    records.submit(cell, fra, [person()], SECRET)
    before = stored_counts(cell)
    [again] = records.submit(cell, fra, [person()], SECRET)
    assert again.version == 1
    assert stored_counts(cell) == before


def test_a_changed_label_alone_makes_a_new_version(cell: Cell, fra: User) -> None:
    records.submit(cell, fra, [person()], SECRET)
    [again] = records.submit(cell, fra, [person()], "NATO RESTRICTED // REL TO COALITION")
    assert again.version == 2 and again.label == "NATO RESTRICTED // REL TO COALITION"


def test_two_members_same_entity_id_are_two_records(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, fra, [person()], SECRET)
    [theirs] = records.submit(cell, irq, [person(name="Ibrahim Awad al-Badri")], SECRET)
    assert (theirs.id, theirs.version) == ("IRQ-ftf-1", 1)


def test_a_reader_who_may_not_read_the_label_finds_nothing_as_for_a_missing_id(
    cell: Cell, fra: User, irq: User
) -> None:
    records.submit(cell, fra, [person()], "NATO SECRET")  # NATO only: Iraq is not an Ally
    with cell.db.read() as conn:
        assert records.get(cell, conn, irq, "FRA-ftf-1") is None
        assert records.get(cell, conn, irq, "FRA-nobody") is None
        assert records.versions(cell, conn, irq, "FRA-ftf-1") == []
        assert records.get(cell, conn, fra, "FRA-ftf-1") is not None


def test_a_lower_cleared_user_of_the_same_member_does_not_read_a_secret_record(
    cell: Cell, fra: User, fra_low: User
) -> None:
    records.submit(cell, fra, [person()], "FRA SECRET")
    with cell.db.read() as conn:
        assert records.get(cell, conn, fra_low, "FRA-ftf-1") is None
        assert records.get(cell, conn, fra, "FRA-ftf-1") is not None


def test_a_national_label_is_read_by_its_originator_alone(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, irq, [person()], "IRQ SECRET")
    with cell.db.read() as conn:
        assert records.get(cell, conn, irq, "IRQ-ftf-1") is not None
        assert records.get(cell, conn, fra, "IRQ-ftf-1") is None


def test_export_holds_only_current_records_the_viewer_may_read(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, fra, [person(id="shared", name="Ali Hassan")], SECRET)
    records.submit(cell, fra, [person(id="allies", name="Omar Hassan")], "NATO SECRET")
    records.submit(cell, fra, [person(id="shared", name="Ali al-Hassan")], SECRET)
    with cell.db.read() as conn:
        seen_by_irq = list(records.export(cell, conn, irq))
        seen_by_fra = list(records.export(cell, conn, fra))
        restricted = Viewer("FRA", parse_clearance("NATO RESTRICTED"))
        seen_by_restricted = list(records.export(cell, conn, restricted))
    assert [(e["id"], e["intelcell"]["version"]) for e in seen_by_irq] == [("FRA-shared", 2)]
    assert [e["id"] for e in seen_by_fra] == ["FRA-allies", "FRA-shared"]
    assert seen_by_restricted == []
    assert seen_by_irq[0]["properties"]["name"] == ["Ali al-Hassan"]
    assert seen_by_irq[0]["intelcell"] == {
        "member": "FRA",
        "label": SECRET,
        "version": 2,
        "created": "2026-11-28T09:00:00.000000Z",
        "status": None,
    }


@pytest.mark.parametrize(("bad", "words"), [(e, w) for _n, e, w in BAD_ENTITIES], ids=[n for n, _e, _w in BAD_ENTITIES])
def test_one_bad_entity_stores_nothing_of_the_submission(cell: Cell, fra: User, bad: Any, words: str) -> None:
    records.submit(cell, fra, [person(id="earlier", name="Omar Hassan")], SECRET)
    before = stored_counts(cell)
    good = person(id="good", name="Ali Hassan")
    with pytest.raises(SubmitError) as refused:
        records.submit(cell, fra, [good, bad, person(id="later", name="Umar Hasan")], SECRET)
    assert refused.value.kind == "invalid_entity"
    assert refused.value.reason.startswith("entities[1]") and words in refused.value.reason
    assert stored_counts(cell) == before


def test_a_label_the_submitter_may_not_assign_stores_nothing(cell: Cell, fra_low: User) -> None:
    before = stored_counts(cell)
    with pytest.raises(SubmitError) as refused:
        records.submit(cell, fra_low, [person()], SECRET)
    assert refused.value.kind == "label_not_permitted"
    assert "above what you may assign" in refused.value.reason
    assert stored_counts(cell) == before


def test_an_invalid_label_is_refused(cell: Cell, fra: User) -> None:
    with pytest.raises(SubmitError) as refused:
        records.submit(cell, fra, [person()], "NATO SEKRET")
    assert refused.value.kind == "invalid_label"


def test_each_submission_is_audited_with_its_records_and_label(cell: Cell, fra: User) -> None:
    records.submit(cell, fra, [person(id="a"), person(id="b", name="Ali Hassan")], SECRET, path="test")
    with cell.db.read() as conn:
        [entry] = audit.entries_for_object(conn, "FRA-b")
        assert audit.verify(conn) is None
    assert entry.fields["operation"] == "person.add"
    assert entry.fields["object_ids"] == ["FRA-a", "FRA-b"]
    assert entry.fields["labels"] == [SECRET]
    assert entry.fields["detail"]["versions"] == {"FRA-a": 1, "FRA-b": 1}


def test_disclosure_choices_are_stored_with_the_version(cell: Cell, fra: User) -> None:
    records.submit(cell, fra, [person()], SECRET, discoverable=False, disclose_holder=True)
    with cell.db.read() as conn:
        found = records.get(cell, conn, fra, "FRA-ftf-1")
        profile = json.loads(conn.execute(select(persons.c.profile)).scalar_one())
    assert found is not None and (found.discoverable, found.disclose_holder) == (False, True)
    assert profile == found.profile.to_json()
