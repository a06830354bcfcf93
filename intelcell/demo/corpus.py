"""A generated demo corpus: Daesh networks, places, reports, relationships and sightings.

Several hundred STIX 2.1 objects with deterministic ids and mixed labels, contributed by the demo
members, so that each demo user sees a different part of it. All names of cells and people are
invented; places are real.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

_NS = uuid.UUID("0b6c1f9e-8d0a-4f43-9b6e-5a1e2c3d4f50")

PLACES = [  # name, country, latitude, longitude
    ("Raqqa", "SY", 35.95, 39.01),
    ("Deir ez-Zor", "SY", 35.33, 40.14),
    ("Al-Hol camp", "SY", 36.38, 41.15),
    ("Idlib", "SY", 35.93, 36.63),
    ("Mosul", "IQ", 36.34, 43.13),
    ("Fallujah", "IQ", 33.35, 43.78),
    ("Ramadi", "IQ", 33.42, 43.30),
    ("Rabia crossing", "IQ", 36.80, 42.10),
    ("Al-Qaim", "IQ", 34.38, 41.09),
    ("Jaber crossing", "JO", 32.52, 36.20),
    ("Gaziantep", "TR", 37.07, 37.38),
    ("Kilis", "TR", 36.72, 37.12),
    ("Sirte", "LY", 31.21, 16.59),
    ("Maiduguri", "NG", 11.85, 13.16),
    ("Marawi", "PH", 8.00, 124.29),
    ("Menaka", "ML", 15.92, 2.40),
    ("Brussels", "BE", 50.85, 4.35),
    ("Paris", "FR", 48.86, 2.35),
]
NETWORKS = [
    "Amn al-Kharji external operations",
    "Wilayat Furat facilitation network",
    "Balkan returnee pipeline",
    "Gaziantep document forgers",
    "Al-Hol escape brokers",
    "Sahel recruitment hub",
    "Levant hawala financiers",
    "Online propaganda cell Nashir",
    "Mosul sleeper cells",
    "Sirte weapons couriers",
    "Marawi remnant cell",
    "Lake Chad province logistics",
]
ROLES = ["facilitator", "recruiter", "financier", "courier", "forger", "propagandist", "commander"]
#: (originating demo user, label) pairs the corpus draws from, weighted by repetition.
CONTRIBUTIONS = [
    ("usa.analyst", "NATO SECRET // REL TO COALITION"),
    ("usa.analyst", "NATO SECRET // REL TO COALITION"),
    ("usa.analyst", "NATO SECRET // SIGINT"),
    ("usa.analyst", "NATO CONFIDENTIAL // REL TO COALITION // TLP:AMBER"),
    ("fra.analyst", "FRA CONFIDENTIAL // REL TO BEL, DEU"),
    ("fra.analyst", "NATO RESTRICTED // REL TO COALITION"),
    ("deu.analyst", "NATO CONFIDENTIAL"),
    ("deu.analyst", "NATO RESTRICTED // REL TO COALITION"),
    ("tur.analyst", "NATO SECRET"),
    ("tur.analyst", "NATO CONFIDENTIAL // REL TO LEVANT"),
    ("irq.liaison", "IRQ CONFIDENTIAL // REL TO NATO, JOR"),
    ("irq.liaison", "NATO RESTRICTED // REL TO COALITION"),
    ("jor.liaison", "JOR CONFIDENTIAL // REL TO USA, GBR"),
    ("jor.liaison", "NATO RESTRICTED // REL TO COALITION"),
]
_T0 = "2026-10-{day:02d}T{hour:02d}:00:00.000Z"


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, kind + ':' + key)}"


def build(size: int = 400, seed: int = 2026) -> list[tuple[str, str, dict[str, Any]]]:
    """About ``size`` objects as (originating demo user, label text, STIX object), referents first."""
    rng = random.Random(seed)
    out: list[tuple[str, str, dict[str, Any]]] = []

    def stamp() -> str:
        return _T0.format(day=rng.randint(1, 28), hour=rng.randint(0, 23))

    def add(obj: dict[str, Any], contribution: tuple[str, str] | None = None) -> dict[str, Any]:
        owner, label = contribution or rng.choice(CONTRIBUTIONS)
        out.append((owner, label, {"spec_version": "2.1", **obj}))
        return obj

    places = [
        add(
            {
                "type": "location",
                "id": _id("location", name),
                "created": _T0.format(day=1, hour=0),
                "modified": _T0.format(day=1, hour=0),
                "name": name,
                "country": cc,
                "latitude": lat,
                "longitude": lon,
            },
            ("usa.analyst", "NATO UNCLASSIFIED // REL TO COALITION"),
        )
        for name, cc, lat, lon in PLACES
    ]
    sets = []
    for name in NETWORKS:
        created = stamp()
        network = {
            "type": "intrusion-set",
            "id": _id("intrusion-set", name),
            "created": created,
            "modified": max(created, stamp()),
            "name": name,
            "goals": ["external attacks", "recruitment"],
        }
        sets.append(add(network))
    while len(out) < size:
        network, place = rng.choice(sets), rng.choice(places)
        created = stamp()
        actor = add(
            {
                "type": "threat-actor",
                "id": _id("threat-actor", f"{len(out)}"),
                "created": created,
                "modified": created,
                "name": f"{rng.choice(ROLES).title()} {len(out)} of {network['name']}",
                "threat_actor_types": ["terrorist"],
                "roles": [rng.choice(["agent", "director", "sponsor"])],
            }
        )
        for rel, target in (("attributed-to", network), ("located-at", place)):
            add(
                {
                    "type": "relationship",
                    "id": _id("relationship", f"{actor['id']}:{rel}"),
                    "created": created,
                    "modified": created,
                    "relationship_type": rel,
                    "source_ref": actor["id"],
                    "target_ref": target["id"],
                }
            )
        if rng.random() < 0.5:
            add(
                {
                    "type": "sighting",
                    "id": _id("sighting", actor["id"]),
                    "created": created,
                    "modified": created,
                    "sighting_of_ref": actor["id"],
                    "where_sighted_refs": [place["id"]],
                    "count": rng.randint(1, 5),
                    "first_seen": created,
                    "last_seen": created,
                }
            )
        if rng.random() < 0.35:
            add(
                {
                    "type": "report",
                    "id": _id("report", actor["id"]),
                    "created": created,
                    "modified": created,
                    "published": created,
                    "report_types": ["threat-actor"],
                    "name": f"{actor['name']} seen near {place['name']}",
                    "description": f"Reporting places {actor['name']} near {place['name']} with {network['name']}.",
                    "object_refs": [actor["id"], network["id"], place["id"]],
                }
            )
    return out
