"""Demo users and labelled sample content; loading is idempotent, tokens are fresh each run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from intelcell.cell import Cell
from intelcell.demo import airpicture, corpus, persons
from intelcell.demo import oversight as oversight_demo
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import collections, ingest
from intelcell.exchange.collections import Collection
from intelcell.store import audit, tokens, users
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User

_NS = uuid.UUID("5f0c3a52-6a43-4b8e-9d62-0c7f3f3c1d11")
_T = "2026-11-20T09:00:00.000Z"


@dataclass(frozen=True)
class DemoUser:
    """A demo user: member, name, clearance, caveats, role and why they are in the demo."""

    member: str
    name: str
    clearance: str
    caveats: tuple[str, ...]
    role: str
    note: str


USERS: tuple[DemoUser, ...] = (
    DemoUser("USA", "usa.analyst", "NATO SECRET", ("SIGINT",), "analyst", "reads SIGINT-caveated reporting"),
    DemoUser("FRA", "fra.analyst", "NATO SECRET", (), "analyst", "French national labels"),
    DemoUser("DEU", "deu.analyst", "NATO CONFIDENTIAL", (), "analyst", "lower clearance"),
    DemoUser("TUR", "tur.analyst", "NATO SECRET", (), "analyst", "Ally, not in the French REL TO"),
    DemoUser("IRQ", "irq.liaison", "NATO SECRET", (), "analyst", "Coalition partner outside NATO"),
    DemoUser("JOR", "jor.liaison", "NATO CONFIDENTIAL", (), "analyst", "Coalition partner outside NATO"),
    DemoUser(
        "NATO",
        "nato.coordinator",
        "COSMIC TOP SECRET",
        ("ATOMAL", "SIGINT"),
        "coordinator",
        "action-plan coordinator",
    ),
    DemoUser("NATO", "nato.admin", "NATO SECRET", (), "admin", "cell administrator"),
)


def _id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, name)}"


def _sdo(kind: str, name: str, **props: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, name),
        "created": _T,
        "modified": _T,
        "name": name,
        **props,
    }


#: (originating demo user, STIX object, label, portion labels)
CONTENT: tuple[tuple[str, dict[str, Any], str, dict[str, str]], ...] = (
    (
        "usa.analyst",
        _sdo(
            "report",
            "Daesh facilitation network in the Levant",
            report_types=["threat-report"],
            published=_T,
            description="Facilitators move recruits across the Syrian-Iraqi border.",
            object_refs=[_id("intrusion-set", "Daesh external operations")],
        ),
        "NATO SECRET // REL TO COALITION",
        {},
    ),
    (
        "usa.analyst",
        _sdo("intrusion-set", "Daesh external operations", aliases=["Amn al-Kharji"]),
        "NATO CONFIDENTIAL // REL TO COALITION // TLP:AMBER",
        {},
    ),
    (
        "usa.analyst",
        _sdo(
            "report",
            "Intercepted courier communications",
            report_types=["threat-report"],
            published=_T,
            object_refs=[_id("intrusion-set", "Daesh external operations")],
        ),
        "NATO SECRET // SIGINT // ORCON",
        {},
    ),
    (
        "fra.analyst",
        _sdo(
            "threat-actor",
            "Katibat al-Muhajirin cell",
            threat_actor_types=["terrorist"],
            description="Francophone foreign fighters returning through the Balkans.",
        ),
        "FRA CONFIDENTIAL // REL TO BEL, DEU",
        {},
    ),
    (
        "irq.liaison",
        _sdo(
            "report",
            "Detention of returning foreign fighters at Rabia",
            report_types=["threat-report"],
            published=_T,
            object_refs=[_id("threat-actor", "Katibat al-Muhajirin cell")],
        ),
        "IRQ CONFIDENTIAL // REL TO NATO, JOR",
        {},
    ),
    (
        "jor.liaison",
        _sdo(
            "report",
            "Border crossing patterns at Jaber",
            report_types=["observed-data"],
            published=_T,
            object_refs=[_id("intrusion-set", "Daesh external operations")],
        ),
        "JOR CONFIDENTIAL",
        {},
    ),
    (
        "nato.coordinator",
        _sdo(
            "report",
            "Coalition foreign-fighter flows, quarterly",
            report_types=["threat-report"],
            published=_T,
            description="Source reporting: two HUMINT networks in Raqqa.",
            object_refs=[_id("intrusion-set", "Daesh external operations")],
        ),
        "NATO RESTRICTED // REL TO COALITION",
        {"description": "NATO SECRET // REL TO COALITION"},
    ),
)


#: (alias, title, readers, writers, default label, release limit)
COLLECTIONS: tuple[tuple[str, str, list[str], list[str], str, list[str]], ...] = (
    (
        "coalition",
        "Coalition shared intelligence",
        ["COALITION"],
        ["COALITION"],
        "NATO RESTRICTED // REL TO COALITION",
        ["COALITION"],
    ),
    ("nato", "NATO intelligence", ["NATO"], ["NATO"], "NATO SECRET", ["NATO"]),
)


@dataclass(frozen=True)
class Issued:
    """A demo user with the token issued to them this run."""

    user: DemoUser
    token: str


def _ensure_collections(cell: Cell) -> dict[str, Collection]:
    with cell.db.read() as conn:
        present = {alias: collections.get(conn, cell, alias) for alias, *_ in COLLECTIONS}
    for alias, title, readers, writers, default, limit in COLLECTIONS:
        if present[alias] is None:
            present[alias] = collections.create(
                cell,
                title=title,
                description=f"Demo collection: {title}.",
                alias=alias,
                default_label=parse(default, cell.vocabulary),
                readers=readers,
                writers=writers,
                release_limit=limit,
                audit_path="cli: demo",
            )
    return {alias: c for alias, c in present.items() if c is not None}


def _labelled(obj: dict[str, Any], label_text: str, portion_texts: dict[str, str], cell: Cell) -> dict[str, Any]:
    label = parse(label_text, cell.vocabulary)
    portions = {s: parse(t, cell.vocabulary) for s, t in portion_texts.items()}
    cell.labels.ensure(cell.db, [label, *portions.values()])
    out = {**obj, "object_marking_refs": [marking.marking_id(label)]}
    if portions:
        out["granular_markings"] = [
            {"marking_ref": marking.marking_id(p), "selectors": [s]} for s, p in portions.items()
        ]
    return out


def load(cell: Cell, persons_count: int = persons.COUNT) -> list[Issued]:
    """Load demo users, collections and content; revoke old demo tokens and issue new ones.

    ``persons_count`` synthetic FTF records are loaded with the content (once).
    """
    now = cell.clock()
    issued: list[Issued] = []
    stored_users: dict[str, User] = {}
    with cell.db.write() as conn:
        tokens.revoke_demo_tokens(conn, now)
        for demo in USERS:
            clearance = parse_clearance(demo.clearance, frozenset(demo.caveats))
            user, _ = users.upsert(
                conn, member=demo.member, name=demo.name, clearance=clearance, role=demo.role, is_demo=True, now=now
            )
            token_id, secret = tokens.issue(conn, user, now, cell.settings.token_days)
            audit.append(
                conn,
                AuditEvent(
                    "write",
                    "token.create",
                    "cli: demo",
                    None,
                    None,
                    detail={"token_id": token_id, "member": demo.member, "user": demo.name, "demo": True},
                ),
                now,
            )
            stored_users[demo.name] = user
            issued.append(Issued(demo, secret))
    shared = _ensure_collections(cell)["coalition"]
    by_owner: dict[str, list[dict[str, Any]]] = {}
    for owner, obj, label_text, portion_texts in CONTENT:
        by_owner.setdefault(owner, []).append(_labelled(obj, label_text, portion_texts, cell))
    for owner, label_text, obj in corpus.build():
        by_owner.setdefault(owner, []).append(_labelled(obj, label_text, {}, cell))
    for owner, envelope in by_owner.items():
        result = ingest.store(cell, stored_users[owner], shared, envelope, "cli: demo")
        if result["failure_count"]:
            raise RuntimeError(f"demo content refused: {result['failures']}")
    persons.load(cell, persons_count)
    airpicture.load(cell, stored_users["nato.admin"])
    oversight_demo.load(cell, stored_users)
    return issued
