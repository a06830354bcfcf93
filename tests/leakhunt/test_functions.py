"""Generated leak hunt at the function layer: random viewers against a store of randomly labelled objects.

One store per test holds objects under labels drawn from ``tests.strategies.labels`` (policies,
levels, releasability, caveats, TLP), each stored by a writer of a random originating member
through the real ingest (objects the writer may not label are refused there and left out). Then
Hypothesis draws viewers (any sample member, any clearance and caveats) and asks the read paths
for everything. Each answer must be exactly what the pure policy (``domain.policy.can_read``)
allows: no unreadable id in a listing, and every count and facet of search counted over the
readable objects only. ``HUNT_EXAMPLES`` viewers per path and database (test_every_path.py asks the
HTTP surface); ``INTELCELL_LEAK_HUNT=long`` runs ten times as many.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.label import Label
from intelcell.domain.policy import Viewer, can_read
from intelcell.exchange import ingest, reading
from intelcell.exchange.collections import Collection
from intelcell.exchange.search import SearchQuery, search
from intelcell.store.users import User
from tests.leakhunt.world import hunt_collection, random_label
from tests.leakhunt.world import writer as world_writer
from tests.strategies import MEMBERS, viewers

OBJECTS = 150
HUNT_EXAMPLES = 700 * (10 if os.environ.get("INTELCELL_LEAK_HUNT") == "long" else 1)
HUNT = settings(
    max_examples=HUNT_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same viewers on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(cell: Cell) -> tuple[Collection, dict[str, tuple[Label, str, str]]]:
    """The store: object id -> (label, originator, type), for the objects ingest accepted."""
    collection = hunt_collection(cell)
    rng = random.Random(20261128)
    drawn = [random_label(rng, cell) for _ in range(OBJECTS)]
    stored: dict[str, tuple[Label, str, str]] = {}
    writers: dict[str, User] = {}
    for index, label in enumerate(drawn):
        originator = rng.choice(MEMBERS)
        writer = writers.setdefault(originator, world_writer(cell, originator))
        kind = rng.choice(["threat-actor", "intrusion-set", "campaign"])
        obj: dict[str, Any] = {
            "type": kind,
            "spec_version": "2.1",
            "id": f"{kind}--{index:08d}-0000-4000-8000-000000000000",
            "created": "2026-11-20T09:00:00.000Z",
            "modified": "2026-11-20T09:00:00.000Z",
            "name": f"hunted {index}",
            "object_marking_refs": [marking.marking_id(label)],
        }
        envelope = [marking.marking_definition(label), obj]
        result = ingest.store(cell, writer, collection, envelope, "test")
        if result["failure_count"] == 0:
            stored[obj["id"]] = (label, originator, kind)
    assert len(stored) >= OBJECTS // 3, "too few objects stored for the hunt to mean anything"
    return collection, stored


def readable(cell: Cell, viewer: Viewer, stored: dict[str, tuple[Label, str, str]]) -> set[str]:
    """What the pure policy lets ``viewer`` read of the store."""
    return {
        oid for oid, (label, originator, _kind) in stored.items() if can_read(viewer, label, originator, cell.registry)
    }


def as_user(viewer: Viewer) -> User:
    """A user with the viewer's member and clearance (read paths need no stored row)."""
    return User(0, viewer.member, "hunted.viewer", viewer.clearance, "analyst", False)


@HUNT
@given(viewer=viewers())
def test_listing_holds_exactly_the_readable_objects(cell: Cell, world: Any, viewer: Viewer) -> None:
    _collection, stored = world
    with cell.db.read() as conn:
        shown = reading.newest_first(cell, conn, as_user(viewer), 1000)
    ids = {s.version.stix_id for s in shown}
    assert ids - set(stored) == set()  # nothing but hunted objects in this store
    assert ids == readable(cell, viewer, stored)


@HUNT
@given(viewer=viewers(), kind=st.sampled_from(["", "threat-actor", "intrusion-set", "campaign"]))
def test_search_counts_and_facets_count_only_the_readable_objects(
    cell: Cell, world: Any, viewer: Viewer, kind: str
) -> None:
    _collection, stored = world
    visible = readable(cell, viewer, stored)
    wanted = {oid for oid in visible if not kind or stored[oid][2] == kind}
    with cell.db.read() as conn:
        found = search(cell, conn, as_user(viewer), SearchQuery(types=(kind,) if kind else (), limit=500))
    assert {v.stix_id for v, _label, _body in found.results} == wanted
    assert found.total == len(wanted)
    assert found.facets.get("member", {}) == dict(Counter(stored[oid][1] for oid in wanted))
    assert sum(found.facets.get("type", {}).values()) == len(wanted)


@HUNT
@given(viewer=viewers(), data=st.data())
def test_one_object_by_id_exists_only_when_readable_and_every_version_listed_is(
    cell: Cell, world: Any, viewer: Viewer, data: st.DataObject
) -> None:
    _collection, stored = world
    visible = readable(cell, viewer, stored)
    asked = data.draw(st.lists(st.sampled_from(sorted(stored)), min_size=1, max_size=5, unique=True))
    user = as_user(viewer)
    with cell.db.read() as conn:
        for object_id in asked:
            found = reading.latest(cell, conn, user, object_id)
            assert (found is not None) == (object_id in visible), object_id
            assert {v.stix_id for v in reading.readable_versions(cell, conn, user, object_id)} == (
                {object_id} if object_id in visible else set()
            )
