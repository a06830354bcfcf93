"""Demo oversight: the action plan the issue names and a year of members' contributions.

Deterministic (a seeded generator) and loaded once: a store that already holds the demo plan is
left as it is. The story: the plan is adopted in the spring, AWACS flight time rises after it,
air-to-air refuelling lags its target, training grows steadily, and the cell's own data shows
RFIs answered faster once the cell is running, screening hits, and the air picture's hours.

The year's RFIs, answers and screening queries go through the cell's own functions with a demo
clock set to when they happened (so their audit entries carry those past times), and the demo
sensors' contributed hours are recorded as a year of the AWACS orbit and the ground sensors would
have left them: every computed figure is then reproduced from stored data like any other.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.fighters import screening
from intelcell.fighters.screening import QueryError
from intelcell.oversight import airhours, ledger, plan
from intelcell.store.schema import air_sensors, oversight_plan_items, persons
from intelcell.store.users import User

LABEL = "NATO RESTRICTED // REL TO COALITION"
SENSITIVE = "NATO SECRET // REL TO COALITION"
MONTHS = [f"2026-{m:02d}" for m in range(1, 11)]  # the demo's date is November 2026: ten whole months

PLAN: tuple[dict[str, Any], ...] = (
    {
        "title": "NATO's membership of the Global Coalition",
        "owner": "NATO",
        "description": "NATO joins the Global Coalition as a full member and takes part in its meetings.",
        "status": "achieved",
        "deadline": "2026-03-31",
        "evidence": ["https://www.nato.int/cps/en/natohq/topics_77646.htm"],
        "targets": [],
    },
    {
        "title": "More AWACS flight time",
        "owner": "NATO",
        "description": "Increase AWACS surveillance flights in support of the Coalition; the picture reaches the cell.",
        "status": "in_progress",
        "deadline": "2026-12-31",
        "targets": [
            {"measure": "awacs_flight_hours", "value": 3000},
            {"measure": "awacs_time_on_station_hours", "value": 2000},
            {"measure": "air_picture_hours", "value": 2000, "member": "NATO"},
        ],
    },
    {
        "title": "Air-to-air refuelling",
        "owner": "USA",
        "description": "Allies provide air-to-air refuelling for Coalition aircraft.",
        "status": "at_risk",
        "deadline": "2026-12-31",
        "targets": [
            {"measure": "aar_sorties", "value": 400},
            {"measure": "aar_fuel_offloaded_t", "value": 12000},
            {"measure": "aar_sorties", "value": 120, "member": "FRA"},
        ],
    },
    {
        "title": "Terrorism intelligence cell",
        "owner": "NATO",
        "description": "A cell where Allies and partners share intelligence on terrorist networks and fighters.",
        "status": "in_progress",
        "deadline": "2026-12-31",
        "targets": [
            {"measure": "objects_shared", "value": 300},
            {"measure": "rfis_answered", "value": 20},
            {"measure": "rfi_median_response_hours", "value": 48},
            {"measure": "ftf_records", "value": 3000},
        ],
    },
    {
        "title": "Training of Iraqi and Afghan forces",
        "owner": "NATO",
        "description": "Train-the-trainer courses, counter-IED and military medicine for Iraqi and Afghan forces.",
        "status": "in_progress",
        "deadline": "2026-12-31",
        "targets": [
            {"measure": "trainees_trained", "value": 5000},
            {"measure": "trainees_trained", "value": 1500, "member": "USA"},
        ],
    },
    {
        "title": "Counter-terrorism coordinator",
        "owner": "NATO",
        "description": "Appoint a coordinator to oversee NATO's efforts in the fight against terrorism.",
        "status": "achieved",
        "deadline": "2026-02-28",
        "targets": [],
    },
)

#: (member, kind, source, monthly base, growth per month after the plan's adoption, label)
SERIES: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("NATO", "awacs_flight_hours", "NAEW&C Force monthly flying-hours return", 160, 18, LABEL),
    ("NATO", "awacs_missions", "NAEW&C Force monthly flying-hours return", 16, 2, LABEL),
    ("NATO", "awacs_time_on_station_hours", "NAEW&C Force mission reports", 110, 14, SENSITIVE),
    ("USA", "aar_sorties", "AFCENT tanker tasking summary", 18, 1, LABEL),
    ("USA", "aar_fuel_offloaded_t", "AFCENT tanker tasking summary", 610, 25, LABEL),
    ("FRA", "aar_sorties", "CDAOA ravitaillement en vol, bilan mensuel", 6, 0.5, LABEL),
    ("FRA", "aar_fuel_offloaded_t", "CDAOA ravitaillement en vol, bilan mensuel", 190, 8, LABEL),
    ("TUR", "aar_sorties", "Hava Kuvvetleri tanker report", 4, 0.3, LABEL),
    ("DEU", "aar_fuel_offloaded_t", "Luftwaffe A400M tanker log", 90, 6, LABEL),
    ("USA", "trainees_trained", "NATO Mission Iraq training return", 110, 6, LABEL),
    ("DEU", "trainees_trained", "NATO Mission Iraq training return", 60, 4, LABEL),
    ("TUR", "trainees_trained", "NATO Mission Iraq training return", 70, 3, LABEL),
    ("JOR", "trainees_trained", "Jordanian Armed Forces training centre report", 80, 5, LABEL),
    ("FRA", "trainees_trained", "NATO Mission Iraq training return", 40, 2, LABEL),
)
ADOPTED = 4  # the plan is adopted in April: growth starts in May


def load(cell: Cell, demo_users: Mapping[str, User]) -> None:
    """Store the demo plan, reported contributions (entered by the coordinator) and the year's activity; once only."""
    coordinator = demo_users["nato.coordinator"]
    with cell.db.read() as conn:
        present = conn.execute(
            select(oversight_plan_items.c.id).where(oversight_plan_items.c.title == PLAN[0]["title"])
        ).first()
    if present:
        return
    for item in PLAN:
        plan.create(cell, coordinator, {**item, "label": LABEL}, "cli: demo")
    rng = random.Random(2026)
    for member, kind, source, base, growth, label in SERIES:
        for index, month in enumerate(MONTHS, start=1):
            trend = base + growth * max(0, index - ADOPTED)
            value = trend * rng.uniform(0.85, 1.15)
            # Counted units are whole numbers (the ledger refuses fractions of a sortie).
            value = float(round(value)) if kind.endswith(("sorties", "missions", "trained")) else round(value, 1)
            ledger.enter(
                cell,
                coordinator,
                member=member,
                kind=kind,
                period=month,
                value=value,
                source=source,
                label=label,
                path="cli: demo",
            )
    _rfis(cell, demo_users)
    _screening(cell, demo_users)
    _air_hours(cell, rng)


def _at(cell: Cell, moment: datetime) -> Cell:
    """The cell with a clock stopped at ``moment``: what was done then is stored as of then."""
    return dataclasses.replace(cell, clock=lambda: moment)


#: (asking user, question): what partners ask of the Coalition during the year.
QUESTIONS = (
    ("irq.liaison", "Movements of Daesh facilitators between Raqqa and the Rabia crossing?"),
    ("jor.liaison", "Known aliases of returning fighters detained at the Jordanian border?"),
    ("irq.liaison", "Financing routes of the Anbar cells through hawala brokers?"),
    ("tur.analyst", "Travel documents used by fighters transiting Gaziantep?"),
    ("fra.analyst", "Contacts in the Levant of the Katibat al-Muhajirin cell?"),
    ("irq.liaison", "Drone use by Daesh remnants in the Hamrin mountains?"),
)
ANSWERERS = ("usa.analyst", "fra.analyst", "deu.analyst", "tur.analyst")


def _rfis(cell: Cell, demo_users: Mapping[str, User]) -> None:
    """Two RFIs a month, answered by two or three addressees; answers come faster after the plan."""
    rng = random.Random(4774)
    for index, month in enumerate(MONTHS, start=1):
        for n in range(2):
            asker, question = QUESTIONS[(2 * index + n) % len(QUESTIONS)]
            asked = datetime(2026, index, 3 + 11 * n, 8, 0, tzinfo=UTC)
            rfi = rfis.ask(
                _at(cell, asked),
                demo_users[asker],
                question=question,
                label="NATO RESTRICTED // REL TO COALITION",
                addressees=["COALITION"],
                deadline=(asked + timedelta(days=7)).isoformat(),
                priority="priority",
                path="cli: demo",
            )
            speed = 1.0 if index <= ADOPTED else 0.45  # the cell shortens response times
            others = [a for a in ANSWERERS if demo_users[a].member != demo_users[asker].member]
            for answerer in rng.sample(others, 2 + (index + n) % 2):
                user = demo_users[answerer]
                delay = timedelta(hours=rng.uniform(6, 90) * speed)
                # What the lower-cleared DEU analyst answers stays CONFIDENTIAL; others answer at SECRET too.
                label = (
                    SENSITIVE
                    if user.clearance.level >= 3 and rng.random() < 0.3
                    else "NATO CONFIDENTIAL // REL TO COALITION"
                )
                rfis.answer(
                    _at(cell, asked + delay),
                    user,
                    rfi.id,
                    text=f"{user.member} reporting on {month}: see the attached assessment.",
                    label=label,
                    object_ids=[],
                    path="cli: demo",
                )


def _screening(cell: Cell, demo_users: Mapping[str, User]) -> None:
    """Partners screen travellers during the year; those that match records they may not read are hits."""
    with cell.db.read() as conn:
        rows = conn.execute(
            select(persons.c.entity).where(persons.c.is_current).order_by(persons.c.pk).limit(400)
        ).all()
    names = [json.loads(r.entity)["properties"].get("name", [None])[0] for r in rows[::10]]
    queriers = ("irq.liaison", "jor.liaison", "usa.analyst", "deu.analyst")
    for index, name in enumerate(n for n in names if n):
        when = datetime(2026, 1 + index % len(MONTHS), 5 + index % 20, 10, 0, tzinfo=UTC)
        try:
            profile = screening.query_profile({"name": [name]})
            screening.screen(_at(cell, when), demo_users[queriers[index % len(queriers)]], {"q": profile})
        except QueryError:
            continue


def _air_hours(cell: Cell, rng: random.Random) -> None:
    """A year of the demo sensors' hours: the AWACS on racetrack missions, the ground sensors around the clock."""
    with cell.db.read() as conn:
        present = {r.id for r in conn.execute(select(air_sensors.c.id))}
    marks: list[tuple[str, float]] = []
    for index, _month in enumerate(MONTHS, start=1):
        start = datetime(2026, index, 1, tzinfo=UTC)
        days = ((start + timedelta(days=32)).replace(day=1) - start).days
        missions = 12 + 2 * max(0, index - ADOPTED)  # more AWACS time after the plan
        for day in sorted(rng.sample(range(days), min(days, missions))):
            take_off = start + timedelta(days=day, hours=rng.choice((2, 6, 14)))
            marks += [("nato-e3a-1", (take_off + timedelta(hours=h)).timestamp()) for h in range(8)]
        for sensor in ("tur-radar-1", "irq-adsb-1"):
            marks += [(sensor, (start + timedelta(hours=h)).timestamp()) for h in range(24 * days)]
    with cell.db.write() as conn:
        airhours.record(conn, [(s, t) for s, t in marks if s in present])
