"""Demo oversight: the action plan the issue names and a year of members' reported contributions.

Deterministic (a seeded generator) and loaded once: a store that already holds the demo plan is
left as it is. The story: the plan is adopted in the spring, AWACS flight time rises after it,
air-to-air refuelling lags its target, training grows steadily.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.oversight import ledger, plan
from intelcell.store.schema import oversight_plan_items
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
            {"measure": "air_picture_hours", "value": 2000},
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


def load(cell: Cell, coordinator: User) -> None:
    """Store the demo plan and reported contributions, entered by the coordinator; once only."""
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
