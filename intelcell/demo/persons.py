"""The demo's foreign-terrorist-fighter records: several thousand, across members, under real labels.

Most records are shared with the Coalition; some stay national (others get hit/no-hit only),
some may name their holder on a hit, and a few are not discoverable at all, so every disclosure
rule of screening can be tried with the demo users.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.demo.fighters import generate
from intelcell.domain.policy import parse_clearance
from intelcell.fighters import records, resolution
from intelcell.fighters.entities import validate_all
from intelcell.store import users
from intelcell.store.schema import persons

COUNT = 4000
MEMBERS = ("FRA", "USA", "TUR", "IRQ", "JOR", "DEU", "GBR", "BEL")
SEED = 2014  # the year the Coalition was formed
SHARED = "NATO SECRET // REL TO COALITION"
#: (share of a member's records, label template, discoverable, disclose holder)
POLICIES = (
    (0.70, SHARED, True, False),
    (0.15, "{member} SECRET", True, True),
    (0.12, "{member} SECRET", True, False),
    (0.03, "{member} SECRET", False, False),
)
LOADER = "ftf-desk"


def _policy(rng: random.Random) -> tuple[str, bool, bool]:
    roll, total = rng.random(), 0.0
    for share, label, discoverable, disclose in POLICIES:
        total += share
        if roll < total:
            return label, discoverable, disclose
    return POLICIES[0][1:]


def load(cell: Cell, count: int = COUNT) -> int:
    """Load the demo FTF records once and resolve them into persons; how many were stored.

    A second run finds the records and stores nothing.
    """
    with cell.db.read() as conn:
        if conn.execute(select(func.count()).select_from(persons)).scalar_one():
            return 0
    rng = random.Random(SEED)
    grouped: dict[tuple[str, str, bool, bool], list[dict[str, Any]]] = defaultdict(list)
    for record in generate(count, seed=SEED, members=MEMBERS):
        label, discoverable, disclose = _policy(rng)
        grouped[(record.member, label.format(member=record.member), discoverable, disclose)].append(record.entity)
    stored = 0
    for (member, label_text, discoverable, disclose), entities in sorted(grouped.items()):
        with cell.db.write() as conn:
            desk, _ = users.upsert(
                conn,
                member=member,
                name=LOADER,
                clearance=parse_clearance("NATO SECRET", frozenset()),
                role="analyst",
                is_demo=True,
                now=cell.clock(),
            )
        bound = records.assignable_label(cell, desk, label_text)
        valid = validate_all((f"demo {e['id']}", e) for e in entities)
        stored += len(records.store(cell, desk, valid, bound, discoverable, disclose, path="cli: demo", link=False))
    resolution.resolve(cell)  # link the members' records into persons and fill the review queue
    return stored
