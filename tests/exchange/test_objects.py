"""Labelled STIX objects: validated with the OASIS library, versions kept, nothing half-stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.exchange import objects
from intelcell.exchange.visibility import visible
from intelcell.store.schema import stix_objects

REPORT = {
    "type": "report",
    "spec_version": "2.1",
    "id": "report--6b0c3a52-6a43-4b8e-9d62-0c7f3f3c1d11",
    "created": "2026-11-20T09:00:00.000Z",
    "modified": "2026-11-20T09:00:00.000Z",
    "name": "Flows",
    "published": "2026-11-20T09:00:00.000Z",
    "description": "two HUMINT networks",
    "object_refs": ["intrusion-set--5f0c3a52-6a43-4b8e-9d62-0c7f3f3c1d11"],
}


def count(cell: Cell) -> int:
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(stix_objects)).scalar_one()


def test_stored_object_carries_its_label_and_tlp_markings(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    with cell.db.write() as conn:
        stored = objects.put(conn, REPORT, label("NATO SECRET // TLP:AMBER"), {}, user, cell.clock())
    assert stored.body["object_marking_refs"] == [
        marking.marking_id(label("NATO SECRET // TLP:AMBER")),
        marking.TLP_IDS["AMBER"],
    ]
    assert stored.originator == "USA"


def test_every_version_is_kept_and_the_newest_is_served(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    newer = {**REPORT, "modified": "2026-11-21T09:00:00.000Z", "name": "Flows v2"}
    with cell.db.write() as conn:
        objects.put(conn, REPORT, label("NATO SECRET"), {}, user, cell.clock())
        objects.put(conn, newer, label("NATO SECRET"), {}, user, cell.clock())
    with cell.db.read() as conn:
        assert objects.latest(conn, REPORT["id"], cell.vocabulary).body["name"] == "Flows v2"
    assert count(cell) == 2


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({**REPORT, "type": "not-a-type!"}, "unknown STIX object type"),
        ({k: v for k, v in REPORT.items() if k != "published"}, "not a valid STIX"),
        ({**REPORT, "id": "report--nope"}, "not a valid STIX"),
        ({**REPORT, "modified": "2020-01-01T00:00:00Z"}, "modified is earlier than created"),
    ],
)
def test_invalid_stix_is_refused(cell: Cell, make_user, label, obj, reason) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    with pytest.raises(objects.ObjectError, match=reason), cell.db.write() as conn:
        objects.put(conn, obj, label("NATO SECRET"), {}, user, cell.clock())
    assert count(cell) == 0


def test_a_duplicate_version_is_refused_and_nothing_half_stored(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    with cell.db.write() as conn:
        objects.put(conn, REPORT, label("NATO SECRET"), {}, user, cell.clock())
    other = {**REPORT, "id": "report--7b0c3a52-6a43-4b8e-9d62-0c7f3f3c1d11"}
    with pytest.raises(objects.ObjectError, match="already stored"), cell.db.write() as conn:
        objects.put(conn, other, label("NATO SECRET"), {}, user, cell.clock())
        objects.put(conn, REPORT, label("NATO SECRET"), {}, user, cell.clock())
    assert count(cell) == 1


def test_a_portion_selector_that_names_nothing_is_refused(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    with pytest.raises(objects.ObjectError, match="names no value"), cell.db.write() as conn:
        objects.put(conn, REPORT, label("NATO SECRET"), {"summary": label("NATO SECRET")}, user, cell.clock())


def test_hidden_portion_and_its_marking_are_not_released(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    user, _ = make_user("USA")
    with cell.db.write() as conn:
        stored = objects.put(
            conn,
            REPORT,
            label("NATO RESTRICTED // REL TO COALITION"),
            {"description": label("NATO SECRET")},
            user,
            cell.clock(),
        )
    low, _ = make_user("IRQ", "NATO SECRET")
    body = visible(stored, low.viewer, cell.registry)
    assert body is not None and "description" not in body and "granular_markings" not in body
    high, _ = make_user("DEU", "NATO SECRET")
    body = visible(stored, high.viewer, cell.registry)
    assert body is not None and body["description"] == "two HUMINT networks"
    assert body["granular_markings"][0]["selectors"] == ["description"]
