"""The leak hunt's world: objects, relationships, person records and tracks under random labels.

Everything in it carries a canary that a regular expression finds in any answer (JSON, HTML, CSV,
XML): object ids and names, person record ids and document numbers, sensor ids, aircraft
addresses. ``World.forbidden(viewer)`` is the set of canaries ``viewer`` may not see, worked out
with the pure policy (``domain.policy.can_read``, ``domain.dominance.dominant``) and not with the
code under test; ``canaries(text)`` is the set an answer shows.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from intelcell.airpicture import inbox, sensors
from intelcell.airpicture.engine import Engine
from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.model import Plot
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import TLP_LEVELS, Label, parse, scale
from intelcell.domain.policy import Viewer, can_read, parse_clearance
from intelcell.exchange import collections, ingest
from intelcell.exchange.collections import Collection
from intelcell.fighters import records
from intelcell.fighters.records import SubmitError
from intelcell.store import users
from intelcell.store.users import User
from tests.airpicture.conftest import SENSOR_LABEL_CHOICES
from tests.strategies import COMMUNITIES, MEMBERS, POLICIES

OBJECTS, RELATIONSHIPS, PERSONS, SENSORS, AIRCRAFT = 90, 30, 40, 4, 10
TRACK_ORIGINATOR = "NATO"  # tracks are the cell's product (intelcell.airpicture.picture)
T0 = 1_795_000_000.0
FRAME = LocalFrame(36.0, 43.0)
# Names that recur across members in other spellings, so screening and resolution have work to do.
NAMES = [
    "Abu Bakr al-Baghdadi",
    "Abou Bakr al Baghdadi",
    "Omar Haddad",
    "Omer Hadad",
    "عمر حداد",
    "Karim Mansour",
    "Kareem Mansur",
    "Yusuf Demir",
    "Youssef Demir",
    "Hamza Benali",
]


_CANARY = re.compile(
    r"(\d{8})-0000-4000-8000-000000000000"  # object id
    r"|hunted o(\d{4})"  # object name
    r"|portion p(\d{4})"  # an object's description under a portion label
    r"|-hp(\d{4})\b"  # person record id
    r"|HPN(\d{4})X"  # person document number
    r"|-hs(\d+)\b"  # sensor id
    r"|\bee(\d{4})\b"  # aircraft address (icao24)
)
_KINDS = ("object-id", "object-name", "portion", "record-id", "record-number", "sensor", "aircraft")


def canaries(text: str) -> set[tuple[str, int]]:
    """Every canary ``text`` shows, as (kind, index)."""
    found: set[tuple[str, int]] = set()
    for match in _CANARY.finditer(text):
        kind = next(n for n, g in enumerate(match.groups()) if g is not None)
        found.add((_KINDS[kind], int(match.group(kind + 1))))
    return found


def object_id(kind: str, index: int) -> str:
    """The id of hunted object ``index`` (a valid STIX id whose UUID carries the index)."""
    return f"{kind}--{index:08d}-0000-4000-8000-000000000000"


def random_label(rng: random.Random, cell: Cell) -> Label:
    """A label drawn like ``tests.strategies.labels`` (policies, levels, releasability, caveats, TLP)."""
    vocabulary = cell.vocabulary
    policy = rng.choice(POLICIES)
    level = rng.randrange(5)
    rel = frozenset(rng.sample(MEMBERS + COMMUNITIES, rng.randrange(5)))
    restrictive = frozenset(rng.sample(sorted(vocabulary.restrictive_caveats), rng.randrange(3)))
    handling = frozenset(rng.sample(sorted(vocabulary.handling_caveats), rng.randrange(2)))
    tlp = rng.choice([None, *(TLP_LEVELS if level == 0 else TLP_LEVELS[1:])])
    return Label(policy, scale(policy)[level], rel, restrictive, handling, tlp)


def writer(cell: Cell, member: str, role: str = "analyst") -> User:
    """A user of ``member`` cleared for everything, so only releasability limits what it may label."""
    caveats = frozenset(cell.vocabulary.restrictive_caveats)
    with cell.db.write() as conn:
        user, _ = users.upsert(
            conn,
            member=member,
            name=f"writer.{member.lower()}.{role}",
            clearance=parse_clearance("COSMIC TOP SECRET", caveats),
            role=role,
            is_demo=False,
            now=cell.clock(),
        )
    return user


@dataclass
class Held:
    """One labelled thing of the world: its label and originating member."""

    label: Label
    originator: str


@dataclass
class World:
    """What was stored, with the labels it was stored under."""

    cell: Cell
    collection: Collection
    objects: dict[int, Held] = field(default_factory=dict)  # by index
    portions: dict[int, Label] = field(default_factory=dict)  # object index -> its description's label
    kinds: dict[int, str] = field(default_factory=dict)
    references: dict[int, tuple[int, int]] = field(default_factory=dict)  # relationship -> (source, target)
    statuses: list[str] = field(default_factory=list)  # TAXII status ids of the writers' envelopes
    records: dict[int, Held] = field(default_factory=dict)
    record_names: dict[int, str] = field(default_factory=dict)
    sensors: dict[int, tuple[Held, Held]] = field(default_factory=dict)  # data label, provenance label
    sightings: dict[int, tuple[int, ...]] = field(default_factory=dict)  # aircraft -> sensors

    def may(self, viewer: Viewer, held: Held) -> bool:
        """The pure rule: may ``viewer`` read ``held``."""
        return can_read(viewer, held.label, held.originator, self.cell.registry)

    def readable_objects(self, viewer: Viewer) -> set[int]:
        """Indices of the objects (relationships included) ``viewer`` may read."""
        return {i for i, held in self.objects.items() if self.may(viewer, held)}

    def readable_records(self, viewer: Viewer) -> set[int]:
        """Indices of the person records ``viewer`` may read."""
        return {i for i, held in self.records.items() if self.may(viewer, held)}

    def visible_tracks(self, viewer: Viewer) -> dict[int, set[int]]:
        """Aircraft ``viewer`` sees as tracks, each with the sensors its provenance may name."""
        out: dict[int, set[int]] = {}
        for aircraft, seen_by in self.sightings.items():
            try:
                label = dominant([self.sensors[s][0].label for s in seen_by], self.cell.registry)
            except NoCommonReleasability:
                continue
            if can_read(viewer, label, TRACK_ORIGINATOR, self.cell.registry):
                out[aircraft] = {s for s in seen_by if self.may(viewer, self.sensors[s][1])}
        return out

    def forbidden(self, viewer: Viewer) -> set[tuple[str, int]]:
        """The canaries ``viewer`` may not see anywhere."""
        readable = self.readable_objects(viewer)
        # A readable relationship's own body names its ends: those ids are readable content.
        mentioned = {end for r, ends in self.references.items() if r in readable for end in ends}
        out = {("object-name", i) for i in self.objects if i not in readable}
        out |= {
            ("portion", i)
            for i, label in self.portions.items()
            if i not in readable or not can_read(viewer, label, self.objects[i].originator, self.cell.registry)
        }
        out |= {("object-id", i) for i in self.objects if i not in readable and i not in mentioned}
        records_ = self.readable_records(viewer)
        out |= {(kind, i) for i in self.records if i not in records_ for kind in ("record-id", "record-number")}
        out |= {("sensor", s) for s, (_data, provenance) in self.sensors.items() if not self.may(viewer, provenance)}
        out |= {("aircraft", a) for a in self.sightings if a not in self.visible_tracks(viewer)}
        return out


def hunt_collection(cell: Cell) -> Collection:
    """A collection every sample member reads and writes, releasable to all of them."""
    return collections.create(
        cell,
        title="hunt",
        description="generated leak hunt",
        default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
        readers=list(MEMBERS),
        writers=list(MEMBERS),
        release_limit=list(MEMBERS + COMMUNITIES),
        alias=None,
        audit_path="test",
    )


def build(cell: Cell, seed: int = 20261128) -> World:
    """Store the world through the real write paths; what a path refuses is left out of it."""
    rng = random.Random(seed)
    world = World(cell, hunt_collection(cell))
    _objects(world, rng)
    _records(world, rng)
    _tracks(world, rng)
    return world


def _store_object(world: World, rng: random.Random, index: int, kind: str, extra: dict[str, Any]) -> None:
    """Ingest one object under a random label by a writer of a random member; half carry a portion label."""
    cell = world.cell
    label, originator = random_label(rng, cell), rng.choice(MEMBERS)
    portion = random_label(rng, cell) if kind != "relationship" and rng.random() < 0.5 else None
    if portion is not None:
        extra = {
            **extra,
            "description": f"portion p{index:04d}",
            "granular_markings": [{"marking_ref": marking.marking_id(portion), "selectors": ["description"]}],
        }
    obj = {
        "type": kind,
        "spec_version": "2.1",
        "id": object_id(kind, index),
        "created": "2026-11-20T09:00:00.000Z",
        "modified": "2026-11-20T09:00:00.000Z",
        "object_marking_refs": [marking.marking_id(label)],
        **extra,
    }
    definitions = {marking.marking_id(x): marking.marking_definition(x) for x in (label, portion) if x is not None}
    envelope = [*definitions.values(), obj]
    status = ingest.store(cell, writer(cell, originator), world.collection, envelope, "test")
    world.statuses.append(status["id"])
    if status["failure_count"] == 0:
        world.objects[index] = Held(label, originator)
        world.kinds[index] = kind
        if portion is not None:
            world.portions[index] = portion


def _objects(world: World, rng: random.Random) -> None:
    for index in range(OBJECTS):
        kind = rng.choice(["threat-actor", "intrusion-set", "campaign"])
        _store_object(world, rng, index, kind, {"name": f"hunted o{index:04d}"})
    ends = sorted(world.objects)
    for index in range(OBJECTS, OBJECTS + RELATIONSHIPS):
        source, target = rng.sample(ends, 2)
        extra = {
            "relationship_type": "related-to",
            "source_ref": object_id(world.kinds[source], source),
            "target_ref": object_id(world.kinds[target], target),
            "description": f"hunted o{index:04d}",
        }
        _store_object(world, rng, index, "relationship", extra)
        if index in world.objects:
            world.references[index] = (source, target)
    assert len(world.objects) >= (OBJECTS + RELATIONSHIPS) // 3, "too few objects stored to hunt"


def _records(world: World, rng: random.Random) -> None:
    cell = world.cell
    for index in range(PERSONS):
        member = rng.choice(MEMBERS)
        label = random_label(rng, cell)
        name = NAMES[index % len(NAMES)]
        entity = {
            "id": f"hp{index:04d}",
            "schema": "Person",
            "properties": {"name": [name], "birthDate": ["1987"], "idNumber": [f"HPN{index:04d}X"]},
        }
        try:
            records.submit(cell, writer(cell, member), [entity], label.text(), path="test")
        except SubmitError:
            continue  # a label the member may not assign: refused, as the API would
        world.records[index] = Held(label, member)
        world.record_names[index] = name
    assert len(world.records) >= PERSONS // 4, "too few records stored to hunt"


def _tracks(world: World, rng: random.Random) -> None:
    cell = world.cell
    admin = writer(cell, "NATO", role="admin")
    for index in range(SENSORS):
        member = rng.choice(MEMBERS)
        # Labels sensors carry: fully random ones make nearly every track unreadable to everyone.
        data, provenance = (parse(rng.choice(SENSOR_LABEL_CHOICES), cell.vocabulary) for _ in range(2))
        radar = Sensor(f"{member.lower()}-hs{index}", member, SensorKind.RADAR, 36.0, 43.0, 500.0, 100.0)
        sensors.register_sensor(cell, admin, radar, data.text(), provenance.text(), path="test")
        world.sensors[index] = (Held(data, member), Held(provenance, member))
    plots = []
    for aircraft in range(AIRCRAFT):
        seen_by = tuple(sorted(rng.sample(range(SENSORS), rng.randint(1, 2))))
        world.sightings[aircraft] = seen_by
        for scan in range(4):
            for j, s in enumerate(seen_by):
                t = T0 + 10.0 * scan + 0.1 * j
                lat, lon = FRAME.surface_to_wgs84(-150_000.0 + 30_000.0 * aircraft + 200.0 * (t - T0), 0.0)
                sensor_id = f"{world.sensors[s][0].originator.lower()}-hs{s}"
                plots.append(Plot(t, sensor_id, float(lat), float(lon), 9_000.0, 100.0, icao24=f"ee{aircraft:04d}"))
    plots.sort(key=lambda p: p.time)
    wall = plots[-1].time
    inbox.accept(cell, None, plots, received_at=wall)
    engine = Engine(cell, wall=lambda: wall, holder="leak-hunt")
    assert engine.lead()
    while engine.step():
        pass
