"""Watchlists: a member is alerted when another member's new record matches, within hit/no-hit rules."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.exchange.rfis import RfiError
from intelcell.fighters import hits, watchlists
from intelcell.fighters.watchlists import WatchlistError
from intelcell.store.schema import watchlist_alerts
from intelcell.store.users import User
from tests.fighters.builders import person
from tests.fighters.watching import OMAR, SHARED, fra, seen, store, tur
from tests.web.test_pages import MakeUser

__all__ = ["fra", "tur"]


def test_a_matching_record_from_another_member_alerts_the_watcher_with_the_record(
    cell: Cell, fra: User, tur: User, make_user: MakeUser
) -> None:
    entry = watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omer Hadad", birth_date="1987-03-02"), SHARED)
    store(cell, tur, person(id="t2", name="Karim Mansour", birth_date="1990"), SHARED)  # no match
    [alert] = seen(cell, fra)
    assert (alert.entry_id, alert.record_id, alert.holder, alert.label) == (entry.id, "TUR-t1", "TUR", SHARED)
    assert alert.score is not None and alert.score >= 0.7 and not alert.is_hit
    irq = make_user("IRQ", "NATO COSMIC TOP SECRET", name="irq.other")[0]
    assert seen(cell, irq) == []  # another member's watchlist does not exist for IRQ
    with cell.db.read() as conn:
        assert watchlists.entries(conn, irq) == [] and [e.id for e in watchlists.entries(conn, fra)] == [entry.id]


def test_an_unreadable_record_is_only_a_hit_and_the_holder_sees_it_as_a_hit(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omer Hadad", birth_date="1987"), "TUR SECRET", disclose_holder=True)
    [alert] = seen(cell, fra)
    assert alert.is_hit and (alert.record_id, alert.score, alert.caption, alert.label) == (None, None, None, None)
    assert alert.holder == "TUR"  # the record lets its holder be named
    shown = alert.to_json()
    assert "TUR-t1" not in str(shown)
    assert "Omer" not in str(shown)  # the holder's spelling; the watcher's own entry says "Omar Haddad"
    assert "created_at" not in shown and shown["created_on"] == "2026-11-28"  # no exact time on a hit
    with cell.db.read() as conn:
        assert hits.hits_on_records(cell, conn, tur) == []  # storing a probe record tells TUR nobody watches
    hits.ask_holder(
        cell,
        fra,
        alert.ref,
        question="Who is he?",
        label=SHARED,
        deadline="2026-12-31T00:00:00Z",
        priority="routine",
        path="test",
    )
    with cell.db.read() as conn:
        held = hits.hits_on_records(cell, conn, tur)
    assert [(h.ref, h.record_id, h.querying_member) for h in held] == [(alert.ref, "TUR-t1", "FRA")]


def test_a_holder_stays_unnamed_and_an_undiscoverable_record_alerts_nothing(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), "TUR SECRET")
    store(cell, tur, person(id="t2", name="Omar Haddad", birth_date="1987"), "TUR SECRET", discoverable=False)
    [alert] = seen(cell, fra)
    assert alert.is_hit and alert.holder is None


def test_the_same_alert_is_a_record_for_a_cleared_colleague_and_a_hit_for_a_less_cleared_one(
    cell: Cell, fra: User, tur: User, make_user: MakeUser
) -> None:
    watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), "NATO SECRET // REL TO FRA")
    junior = make_user("FRA", "NATO RESTRICTED", name="fra.junior")[0]
    assert [a.record_id for a in seen(cell, fra)] == ["TUR-t1"]
    assert [a.is_hit for a in seen(cell, junior)] == [True]


def test_a_removed_entry_raises_no_more_alerts_and_its_old_ones_go(cell: Cell, fra: User, tur: User) -> None:
    entry = watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    assert len(seen(cell, fra)) == 1
    assert watchlists.remove(cell, fra, entry.id)
    store(cell, tur, person(id="t2", name="Omar Haddad", birth_date="1987"), SHARED)
    assert seen(cell, fra) == []
    with cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(watchlist_alerts)).scalar_one() == 1


def test_another_member_cannot_remove_an_entry_and_learns_nothing_from_trying(cell: Cell, fra: User, tur: User) -> None:
    entry = watchlists.add(cell, fra, OMAR)
    assert watchlists.remove(cell, tur, entry.id) is False
    assert watchlists.remove(cell, tur, "0" * 32) is False  # the same answer as for no entry at all
    with cell.db.read() as conn:
        assert [e.id for e in watchlists.entries(conn, fra)] == [entry.id]


def test_a_changed_record_alerts_again_with_its_new_version(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987-05-01", nationality="sy"), SHARED)
    assert [a.record_id for a in seen(cell, fra)] == ["TUR-t1", "TUR-t1"]


@pytest.mark.parametrize(
    ("properties", "threshold", "message"),
    [
        ({"birthDate": ["1987"]}, None, "needs a name"),
        ({"name": ["Omar Haddad"]}, 0.2, "threshold must be between 0.5 and 1"),
        ({"name": ["Omar Haddad"], "colour": ["red"]}, None, "colour"),
        ({"name": ["Omar\u0007Haddad"]}, None, "control character"),
        (["Omar"], None, "properties must be an object"),
    ],
)
def test_a_bad_entry_is_refused_with_its_reason_and_nothing_is_stored(
    cell: Cell, fra: User, properties: Any, threshold: float | None, message: str
) -> None:
    with pytest.raises(WatchlistError, match=message):
        watchlists.add(cell, fra, properties, threshold)
    with cell.db.read() as conn:
        assert watchlists.entries(conn, fra) == []


def test_a_full_watchlist_refuses_one_more(cell: Cell, fra: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watchlists, "MAX_ENTRIES", 2)
    watchlists.add(cell, fra, {"name": ["Omar Haddad"]})
    watchlists.add(cell, fra, {"name": ["Karim Mansour"]})
    with pytest.raises(WatchlistError, match="at most 2 persons"):
        watchlists.add(cell, fra, {"name": ["Yusuf Demir"]})


def test_a_hit_on_one_s_own_member_s_record_cannot_be_asked_as_a_hit(
    cell: Cell, fra: User, make_user: MakeUser
) -> None:
    watchlists.add(cell, fra, OMAR)
    store(cell, fra, person(id="f1", name="Omar Haddad", birth_date="1987"), "NATO SECRET // REL TO FRA")
    junior = make_user("FRA", "NATO RESTRICTED", name="fra.junior")[0]
    [alert] = seen(cell, junior)
    assert alert.is_hit and not alert.askable
    with pytest.raises(RfiError, match="no hit"):
        hits.ask_holder(
            cell,
            junior,
            alert.ref,
            question="q",
            label="NATO RESTRICTED // REL TO FRA",
            deadline="2026-12-31T00:00:00Z",
            priority="routine",
            path="test",
        )


def test_alerts_are_listed_by_day_then_reference_and_page_after_an_id(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    for n in range(5):
        store(cell, tur, person(id=f"t{n}", name="Omar Haddad", birth_date="1987"), SHARED)
    every = seen(cell, fra)
    assert [a.ref for a in every] == sorted(a.ref for a in every)  # one day: by reference, not by storing order
    with cell.db.read() as conn:
        first = watchlists.alerts(cell, conn, fra, limit=2)
        rest = watchlists.alerts(cell, conn, fra, limit=10, after=first[-1].ref)
        with pytest.raises(WatchlistError, match="no alert"):
            watchlists.alerts(cell, conn, fra, after="0" * 32)
    assert [a.ref for a in first + rest] == [a.ref for a in every]
