"""Adding a watchlist entry screens the existing records: alerts under the same hit/no-hit rules."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.fighters import hits, index, watchlists, webhooks
from intelcell.fighters.watchlists import WatchlistError
from intelcell.store.schema import watchlist_alerts, watchlist_deliveries
from intelcell.store.users import User
from tests.fighters.builders import person
from tests.fighters.watching import OMAR, SHARED, fra, seen, store, tur

__all__ = ["fra", "tur"]


def test_adding_an_entry_alerts_on_an_existing_matching_record(cell: Cell, fra: User, tur: User) -> None:
    store(cell, tur, person(id="t1", name="Omer Hadad", birth_date="1987-03-02"), SHARED)
    store(cell, tur, person(id="t2", name="Karim Mansour", birth_date="1990"), SHARED)
    entry = watchlists.add(cell, fra, OMAR)
    [alert] = seen(cell, fra)
    assert (alert.entry_id, alert.record_id, alert.label) == (entry.id, "TUR-t1", SHARED)
    assert alert.score is not None and alert.score >= entry.threshold
    with cell.db.read() as conn:
        assert hits.hits_on_records(cell, conn, tur) == []  # a readable result is no hit, as in screening


def test_an_existing_unreadable_record_is_a_hit_that_its_holder_sees_as_a_screening_hit(
    cell: Cell, fra: User, tur: User
) -> None:
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), "TUR SECRET", disclose_holder=True)
    store(cell, tur, person(id="t2", name="Omar Haddad", birth_date="1987"), "TUR SECRET", discoverable=False)
    watchlists.add(cell, fra, OMAR)
    [alert] = seen(cell, fra)
    assert alert.is_hit and alert.holder == "TUR" and "TUR-t1" not in str(alert.to_json())
    with cell.db.read() as conn:
        held = hits.hits_on_records(cell, conn, tur)
    assert [(h.ref, h.record_id, h.querying_member) for h in held] == [(alert.ref, "TUR-t1", "FRA")]


def test_existing_records_are_taken_from_the_candidate_index_not_a_scan(
    cell: Cell, fra: User, tur: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    asked: list[tuple[int, int]] = []
    real = index.candidates

    def counted(conn: Any, keys: Any, limit: int = 200, budget: int = 20_000, **kw: Any) -> list[int]:
        asked.append((limit, budget))
        return real(conn, keys, limit, budget, **kw)

    monkeypatch.setattr(index, "candidates", counted)
    watchlists.add(cell, fra, OMAR)
    assert asked == [(watchlists.EXISTING_CANDIDATES, watchlists.EXISTING_BUDGET)]
    assert [a.record_id for a in seen(cell, fra)] == ["TUR-t1"]


def test_a_refused_entry_raises_no_alert_and_an_added_one_enqueues_its_deliveries(
    cell: Cell, fra: User, tur: User
) -> None:
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    webhooks.register(cell, fra, "https://fra.example/alerts")
    with pytest.raises(WatchlistError):
        watchlists.add(cell, fra, OMAR, threshold=0.1)
    with cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(watchlist_alerts)).scalar_one() == 0
    watchlists.add(cell, fra, OMAR)
    with cell.db.read() as conn:
        refs = list(conn.execute(select(watchlist_alerts.c.ref)).scalars())
        queued = list(conn.execute(select(watchlist_deliveries.c.alert_ref)).scalars())
    assert queued == refs and len(refs) == 1
