"""A small world with hand-counted figures: objects, RFIs, FTF records, hits, air hours and ledger entries.

What the coordinator (NATO, COSMIC TOP SECRET) and a DEU analyst (NATO CONFIDENTIAL) may count
in 2026, by hand (see the tests for the expected numbers and why).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from intelcell.cell import Cell
from intelcell.domain.label import parse
from intelcell.store.schema import (
    air_sensor_hours,
    air_sensors,
    objects,
    person_hits,
    persons,
    rfi_answers,
    rfis,
)
from intelcell.store.users import User
from tests.helpers import coalition_collection

CONF = "NATO CONFIDENTIAL // REL TO COALITION"
SECRET = "NATO SECRET // REL TO COALITION"
RESTRICTED = "NATO RESTRICTED // REL TO COALITION"


@dataclass
class World:
    coordinator: tuple[User, str]
    deu: tuple[User, str]
    usa: tuple[User, str]
    fra: tuple[User, str]
    irq: tuple[User, str]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def world(cell: Cell, make_user) -> World:  # type: ignore[no-untyped-def]
    coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    deu = make_user("DEU", "NATO CONFIDENTIAL")
    usa = make_user("USA", "NATO SECRET")
    fra = make_user("FRA", "NATO SECRET")
    irq = make_user("IRQ", "NATO SECRET")
    ids = cell.labels.ensure(cell.db, [parse(t, cell.vocabulary) for t in (CONF, SECRET, RESTRICTED)])
    lid = {lab.text(): i for lab, i in ids.items()}
    shared = coalition_collection(cell)

    def obj(stix: str, originator: User, label: str, added: str) -> dict[str, object]:
        return {
            "collection_id": shared.id,
            "stix_id": stix,
            "type": "report",
            "spec_version": "2.1",
            "version": added,
            "date_added": added,
            "body": "{}",
            "label_id": lid[label],
            "portions": None,
            "originator": originator.member,
            "submitted_by": originator.id,
        }

    def person(pid: str, version: int, label: str, created: str, current: bool = True) -> dict[str, object]:
        return {
            "id": pid,
            "version": version,
            "member": "IRQ",
            "user_id": irq[0].id,
            "label_id": lid[label],
            "entity": "{}",
            "profile": "{}",
            "status": None,
            "discoverable": True,
            "disclose_holder": False,
            "is_current": current,
            "created_at": at(created),
        }

    with cell.db.write() as conn:
        conn.execute(
            objects.insert(),
            [
                # USA: a (two versions, CONFIDENTIAL), b (CONFIDENTIAL), c (SECRET), d (2025: another period)
                obj("report--a", usa[0], CONF, "2026-02-01T10:00:00.000000Z"),
                obj("report--a", usa[0], CONF, "2026-02-02T10:00:00.000000Z"),
                obj("report--b", usa[0], CONF, "2026-05-01T10:00:00.000000Z"),
                obj("report--c", usa[0], SECRET, "2026-06-01T10:00:00.000000Z"),
                obj("report--d", usa[0], CONF, "2025-12-31T23:59:59.999999Z"),
                obj("report--e", fra[0], CONF, "2026-07-01T00:00:00.000000Z"),
            ],
        )
        rfi_row = {"member": "IRQ", "asked_by": irq[0].id, "question": "q", "addressees": json.dumps(["COALITION"])}
        rfi_row |= {"deadline": at("2026-12-31T00:00:00"), "priority": "routine", "status": "open"}
        conn.execute(
            rfis.insert(),
            [
                {**rfi_row, "id": "rfi-1", "label_id": lid[RESTRICTED], "created_at": at("2026-03-01T10:00:00")},
                {**rfi_row, "id": "rfi-2", "label_id": lid[RESTRICTED], "created_at": at("2026-04-01T00:00:00")},
            ],
        )

        def answer(aid: str, rfi: str, by: User, label: str, when: str) -> dict[str, object]:
            return {
                "id": aid,
                "rfi_id": rfi,
                "member": by.member,
                "answered_by": by.id,
                "text": "a",
                "object_ids": "[]",
                "label_id": lid[label],
                "created_at": at(when),
            }

        conn.execute(
            rfi_answers.insert(),
            [
                answer("ans-1", "rfi-1", usa[0], RESTRICTED, "2026-03-01T16:00:00"),  # USA: 6 h
                answer("ans-1b", "rfi-1", usa[0], RESTRICTED, "2026-03-05T16:00:00"),  # a later answer: not counted
                answer("ans-2", "rfi-1", fra[0], RESTRICTED, "2026-03-02T10:00:00"),  # FRA: 24 h
                answer("ans-3", "rfi-2", usa[0], SECRET, "2026-04-01T10:00:00"),  # USA: 10 h, SECRET
            ],
        )
        conn.execute(
            persons.insert(),
            [
                person("IRQ-1", 1, CONF, "2026-01-10T00:00:00"),
                person("IRQ-2", 1, CONF, "2026-01-11T00:00:00", current=False),
                person("IRQ-2", 2, CONF, "2026-08-01T00:00:00"),
                person("IRQ-3", 1, SECRET, "2026-02-01T00:00:00"),
                person("IRQ-4", 1, CONF, "2025-06-01T00:00:00"),  # contributed in 2025
            ],
        )
        hit = {"holder": "IRQ", "querying_member": "USA", "querying_user_id": usa[0].id, "score": 0.9}
        hit |= {"algorithm": "intelcell-ftf-v2"}
        conn.execute(
            person_hits.insert(),
            [
                {**hit, "ref": "h1", "person_id": "IRQ-1", "created_at": at("2026-03-01T00:00:00")},
                {**hit, "ref": "h2", "person_id": "IRQ-3", "created_at": at("2026-03-02T00:00:00")},
            ],
        )
        conn.execute(
            air_sensors.insert().values(
                id="usa-awacs",
                member="USA",
                kind="awacs",
                definition="{}",
                label_id=lid[SECRET],
                provenance_label_id=lid[SECRET],
                is_demo=False,
                created_at=at("2026-01-01T00:00:00"),
            )
        )
    from intelcell.oversight import airhours

    jan = at("2026-01-05T00:00:00").timestamp()
    with cell.db.write() as conn:
        # Three distinct hours (two plots in the first), and one hour in 2025.
        airhours.record(conn, [("usa-awacs", jan), ("usa-awacs", jan + 60), ("usa-awacs", jan + 3600)])
        airhours.record(conn, [("usa-awacs", jan + 7200), ("usa-awacs", at("2025-12-31T12:00:00").timestamp())])
        airhours.record(conn, [("usa-awacs", jan)])  # again: idempotent
    assert air_sensor_hours is not None
    return World(coordinator, deu, usa, fra, irq)
