"""plan.update's expected_version: a change made against an older version is refused, never overwrites."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.oversight import plan
from intelcell.oversight.refusal import Refused
from intelcell.store.schema import audit_log, oversight_plan_items
from tests.oversight.conftest import RESTRICTED, World


def _new(cell: Cell, world: World) -> plan.PlanItem:
    data = {"title": "Item", "owner": "NATO", "status": "planned", "deadline": "2026-12-31", "label": RESTRICTED}
    return plan.create(cell, world.coordinator[0], data, "test")


def _row(cell: Cell, item_id: str) -> Any:
    with cell.db.read() as conn:
        return conn.execute(select(oversight_plan_items).where(oversight_plan_items.c.id == item_id)).one()


def _updates(cell: Cell) -> int:
    with cell.db.read() as conn:
        return len([f for f in conn.execute(select(audit_log.c.fields)).scalars() if '"plan.update"' in f])


def test_a_change_against_an_older_version_is_a_conflict(cell: Cell, world: World) -> None:
    item, coordinator = _new(cell, world), world.coordinator[0]
    plan.update(cell, coordinator, item.id, {"status": "in_progress"}, "test", expected_version=1)
    with pytest.raises(Refused) as refused:
        plan.update(cell, coordinator, item.id, {"status": "achieved"}, "test", expected_version=1)
    assert refused.value.kind == "conflict"
    # Refused even when it would change nothing: the caller's view is stale either way.
    with pytest.raises(Refused):
        plan.update(cell, coordinator, item.id, {"status": "in_progress"}, "test", expected_version=1)
    row = _row(cell, item.id)
    assert (row.version, row.status) == (2, "in_progress") and _updates(cell) == 1
    done = plan.update(cell, coordinator, item.id, {"status": "achieved"}, "test", expected_version=2)
    assert (done.version, done.status) == (3, "achieved")


def test_the_expected_version_is_checked_inside_the_write(
    cell: Cell, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change landing after update() read the item, before it writes, is not overwritten."""
    item, coordinator = _new(cell, world), world.coordinator[0]
    original = plan.visible
    landed: list[bool] = []

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> plan.PlanItem | None:
        found = original(*args, **kwargs)
        if not landed:
            landed.append(True)
            plan.update(cell, coordinator, item.id, {"deadline": "2027-03-31"}, "meanwhile")
        return found

    monkeypatch.setattr(plan, "visible", read_then_someone_writes)
    with pytest.raises(Refused) as refused:
        plan.update(cell, coordinator, item.id, {"status": "achieved"}, "test", expected_version=1)
    assert refused.value.kind == "conflict"
    row = _row(cell, item.id)
    assert (row.version, row.status, row.deadline.isoformat()) == (2, "planned", "2027-03-31")


def test_without_an_expected_version_update_applies_to_the_version_it_reads(cell: Cell, world: World) -> None:
    item, coordinator = _new(cell, world), world.coordinator[0]
    plan.update(cell, coordinator, item.id, {"status": "in_progress"}, "test")
    changed = plan.update(cell, coordinator, item.id, {"status": "achieved"}, "test")  # as the API calls it
    assert (changed.version, changed.status) == (3, "achieved")
