"""Kept screenings: the member's own, run again on the records as they are now, new results marked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.fighters import hits, records, saved_screenings
from intelcell.fighters.screening import QueryError
from intelcell.store.schema import person_hits
from intelcell.store.schema import saved_screenings as saved_table
from intelcell.store.users import User
from tests.fighters.builders import person
from tests.web.test_pages import MakeUser

OMAR = {"name": "Omar Haddad", "birthDate": "1987"}
SHARED = "NATO SECRET // REL TO FRA, TUR"


@pytest.fixture
def fra(make_user: MakeUser) -> User:
    return make_user("FRA", "NATO SECRET", name="fra.analyst")[0]


@pytest.fixture
def tur(make_user: MakeUser) -> User:
    return make_user("TUR", "NATO COSMIC TOP SECRET", name="tur.holder")[0]


def test_a_rerun_marks_only_results_not_shown_before_as_new(cell: Cell, fra: User, tur: User) -> None:
    records.submit(cell, tur, [person(id="t1", name="Omar Haddad", birth_date="1987")], SHARED, path="test")
    first = saved_screenings.screen_and_keep(cell, fra, OMAR)
    assert [r.record_id for r in first.found.results] == ["TUR-t1"]
    records.submit(cell, tur, [person(id="t2", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    again = saved_screenings.rerun(cell, fra, first.saved.id)
    assert again is not None
    assert sorted(r.record_id for r in again.found.results) == ["TUR-t1", "TUR-t2"]
    assert again.new == {"TUR-t2"}
    third = saved_screenings.rerun(cell, fra, first.saved.id)
    assert third is not None and third.new == frozenset()


def test_a_kept_screening_is_its_member_s_alone(cell: Cell, fra: User, tur: User, make_user: MakeUser) -> None:
    kept = saved_screenings.screen_and_keep(cell, fra, OMAR).saved
    colleague = make_user("FRA", "NATO RESTRICTED", name="fra.junior")[0]
    with cell.db.read() as conn:
        assert [s.id for s in saved_screenings.listed(conn, colleague)] == [kept.id]
        assert saved_screenings.listed(conn, tur) == [] and saved_screenings.get(conn, tur, kept.id) is None
    assert saved_screenings.rerun(cell, tur, kept.id) is None
    assert saved_screenings.rerun(cell, tur, "0" * 32) is None  # the same answer as no screening at all
    assert saved_screenings.remove(cell, tur, kept.id) is False
    assert saved_screenings.rerun(cell, colleague, kept.id) is not None


def test_a_rerun_keeps_hit_no_hit_and_records_the_hit_for_its_holder_again(cell: Cell, fra: User, tur: User) -> None:
    kept = saved_screenings.screen_and_keep(cell, fra, OMAR).saved
    records.submit(
        cell, tur, [person(id="t1", name="Omar Haddad", birth_date="1987")], "TUR SECRET", path="test",
        disclose_holder=True,
    )  # fmt: skip
    run = saved_screenings.rerun(cell, fra, kept.id)
    assert run is not None and run.found.results == [] and run.new == frozenset()
    [hit] = run.found.hits
    assert hit.holder == "TUR"
    with cell.db.read() as conn:
        assert [h.ref for h in hits.hits_on_records(cell, conn, tur)] == [hit.ref]


def test_a_query_that_cannot_be_screened_keeps_nothing_and_records_nothing(cell: Cell, fra: User) -> None:
    with pytest.raises(QueryError, match="name"):
        saved_screenings.screen_and_keep(cell, fra, {"birthDate": "1987"})
    with cell.db.read() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (saved_table, person_hits)]
    assert counts == [0, 0]
