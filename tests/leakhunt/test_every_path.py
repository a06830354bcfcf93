"""Generated leak hunt over the HTTP surface: every read path, for random viewers, against one world.

The world (``tests.leakhunt.world``) holds objects (half with a portion-labelled description),
relationships, person records, sensors and tracks under random labels, stored through the real
write paths. For each generated viewer (any sample member, any clearance and caveats) a user and
token are made, a browser session is signed in, and every read path is asked: TAXII pages
(following cursors), manifests, objects, versions and status; search; objects; person records,
screening and hits; resolved persons; the air picture's tracks, sensors, CoT export and live feed
(every tenth viewer: a stream lasts a second); oversight figures; the audit views; and the browser
pages (home, search, object, graph data, persons, tracks, oversight, audit).

Every answer, body and headers, is scanned for canaries the viewer may not see (ids, names,
portions, document numbers, sensor ids, aircraft addresses): one found is a leak. Listings must
hold exactly the readable things (counts and totals included), and asking for an unreadable thing
must answer exactly as asking for one that never existed. Each (viewer, path) pair is one case:
about 38 per viewer, ``VIEWERS`` viewers per run and database; ``INTELCELL_LEAK_HUNT=long`` runs
ten times as many.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelcell.api.app import create_app
from intelcell.cell import Cell
from intelcell.domain.policy import Viewer
from intelcell.store import tokens, users
from tests.leakhunt.world import World, build, canaries, object_id
from tests.strategies import viewers
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.slow

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/cell"
VIEWERS = 80 * (10 if os.environ.get("INTELCELL_LEAK_HUNT") == "long" else 1)
HUNT = settings(
    max_examples=VIEWERS,
    deadline=None,
    derandomize=True,  # the same viewers on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
MISSING = 99_999_999  # an object index no world holds
# Headers that differ between any two answers, whatever they are about.
_VOLATILE = {"date", "content-length", "set-cookie"}
_HELD = re.compile(r"([\d,]+) stored record\(s\) hold the name parts")
_counter = itertools.count()
_feeds = itertools.count()
FEED_EVERY = 10


@dataclass
class Hunt:
    """The world and an app over it, shared by every generated viewer of one test."""

    world: World
    client: TestClient
    cases: Counter[str]


@pytest.fixture
def hunt(cell: Cell) -> Iterator[Hunt]:
    world = build(cell)
    with TestClient(create_app(cell=cell), base_url="https://testserver") as client:
        found = Hunt(world, client, Counter())
        yield found
    total = sum(found.cases.values())
    print(f"leak hunt: {total} cases over {len(found.cases)} paths ({VIEWERS} viewers)")


class Probe:
    """One viewer's requests: each answer is scanned for forbidden canaries as it arrives."""

    def __init__(self, hunt: Hunt, viewer: Viewer) -> None:
        self.hunt, self.world, self.viewer = hunt, hunt.world, viewer
        self.forbidden = self.world.forbidden(viewer)
        cell = self.world.cell
        with cell.db.write() as conn:
            user, _ = users.upsert(
                conn,
                member=viewer.member,
                name=f"hunter.{next(_counter)}",
                clearance=viewer.clearance,
                role="analyst",
                is_demo=False,
                now=cell.clock(),
            )
            _id, self.token = tokens.issue(conn, user, cell.clock(), 1)
        self.api = {"Authorization": f"Bearer {self.token}"}
        self.browser = hunt.client
        self.browser.cookies.clear()
        assert sign_in(self.browser, self.token).status_code == 303

    def get(self, path: str, url: str, browser: bool = False, **headers: str) -> httpx.Response:
        """GET ``url`` as the viewer (API token, or the browser session) and scan the answer."""
        sent = headers if browser else {**self.api, **headers}
        response = self.browser.get(url, headers=sent, follow_redirects=False)
        return self.scanned(path, url, response)

    def post(self, path: str, url: str, body: Any) -> httpx.Response:
        """POST JSON as the viewer's API token and scan the answer."""
        return self.scanned(path, url, self.browser.post(url, json=body, headers=self.api))

    def scanned(self, path: str, asked: str, response: httpx.Response) -> httpx.Response:
        """Fail on any forbidden canary in the answer (the caller's own question excepted)."""
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        shown = canaries(response.text) | canaries(" ".join(f"{k}: {v}" for k, v in response.headers.items()))
        leaked = (shown - canaries(asked)) & self.forbidden
        assert not leaked, f"{path} ({asked}) showed {sorted(leaked)} to {self.viewer}"
        self.hunt.cases[path] += 1
        return response

    def alike(self, path: str, url: Callable[[str], str], real: str, fake: str, browser: bool = False) -> None:
        """An unreadable ``real`` id answers exactly as ``fake``, an id that never existed."""
        one = self.get(path, url(real), browser)
        other = self.get(path, url(fake), browser)
        assert one.status_code == other.status_code, (path, real, one.status_code, other.status_code)
        assert one.text.replace(real, fake) == other.text, (path, real)
        keep = {k: v for k, v in one.headers.items() if k not in _VOLATILE}
        assert keep == {k: v for k, v in other.headers.items() if k not in _VOLATILE}, (path, real)


def _ids(world: World, indices: set[int]) -> set[str]:
    return {object_id(world.kinds[i], i) for i in indices}


def _taxii(probe: Probe, limit: int, index: int) -> None:
    """Pages (cursor by cursor), the manifest, one object, its versions, and a writer's status."""
    world, collection = probe.world, f"{ROOT}/collections/{probe.world.collection.id}"
    readable = _ids(world, world.readable_objects(probe.viewer))
    seen: list[str] = []
    url = f"{collection}/objects/?limit={limit}"
    while True:
        page = probe.get("taxii objects pages", url, Accept=TAXII).json()
        seen += [o["id"] for o in page.get("objects", [])]
        if not page.get("more"):
            break
        url = f"{collection}/objects/?limit={limit}&next={page['next']}"
    assert sorted(seen) == sorted(readable)
    manifest = probe.get("taxii manifest", f"{collection}/manifest/?limit=1000", Accept=TAXII).json()
    assert {m["id"] for m in manifest.get("objects", [])} == readable
    asked = object_id(world.kinds[index], index)
    for kind, tail in (("taxii object", ""), ("taxii versions", "versions/")):
        if asked in readable:
            answer = probe.get(kind, f"{collection}/objects/{asked}/{tail}", Accept=TAXII)
            assert answer.status_code == 200
            if kind == "taxii object" and index in world.portions:  # a portion it may read is served whole
                shown = ("portion", index) not in probe.forbidden
                assert (f"portion p{index:04d}" in answer.text) == shown
        else:
            fake = object_id(world.kinds[index], MISSING)
            probe.alike(kind, lambda oid, t=tail: f"{collection}/objects/{oid}/{t}", asked, fake)  # type: ignore[misc]
    status = world.statuses[index % len(world.statuses)]
    probe.alike("taxii status", lambda sid: f"{ROOT}/status/{sid}/", status, str(uuid.uuid4()))


def _exchange(probe: Probe, index: int) -> None:
    """Search (results, total and facets) and one object by id, in the API."""
    world = probe.world
    readable = world.readable_objects(probe.viewer)
    found = probe.get("search", "/api/v1/search?limit=500").json()
    assert {r["id"] for r in found["results"]} == _ids(world, readable)
    assert found["total"] == len(readable)
    assert found["facets"].get("member", {}) == dict(Counter(world.objects[i].originator for i in readable))
    asked = object_id(world.kinds[index], index)
    if index in readable:
        assert probe.get("object", f"/api/v1/objects/{asked}").status_code == 200
    else:
        probe.alike("object", lambda oid: f"/api/v1/objects/{oid}", asked, object_id(world.kinds[index], MISSING))
    probe.get("audit api", f"/api/v1/audit?object_id={asked}")


def _fighters(probe: Probe, record: int) -> None:
    """One record, screening by its name (counts in explanations included), hits, resolved persons."""
    world = probe.world
    readable = world.readable_records(probe.viewer)
    member = world.records[record].originator
    asked = f"{member}-hp{record:04d}"
    if record in readable:
        assert probe.get("person", f"/api/v1/persons/{asked}").status_code == 200
    else:
        probe.alike("person", lambda rid: f"/api/v1/persons/{rid}", asked, f"{member}-hp{9999:04d}")
    query = {"queries": {"q": {"schema": "Person", "properties": {"name": [world.record_names[record]]}}}}
    answer = probe.post("screening", "/api/v1/match", query)
    for held in _HELD.findall(answer.text):  # name frequencies count readable records only
        assert int(held.replace(",", "")) <= len(readable), held
    probe.get("hits", "/api/v1/hits")
    resolved = probe.get("resolved persons", "/api/v1/resolved?min_records=1&limit=200").json()
    shown = {rid for person in resolved["persons"] for rid in person["records"]}
    assert shown == {f"{world.records[i].originator}-hp{i:04d}" for i in readable}
    probe.get("resolved person", f"/api/v1/resolved/{asked}")


def _airpicture(probe: Probe) -> None:
    """Tracks with their provenance, sensors, and the CoT export."""
    world = probe.world
    expected = world.visible_tracks(probe.viewer)
    tracks = probe.get("tracks", "/api/v1/airpicture/tracks").json()["tracks"]
    shown = {int(t["icao24"][2:]): t for t in tracks}
    assert set(shown) == set(expected)
    for aircraft, sensors_named in expected.items():
        named = {int(s.rsplit("-hs", 1)[1]) for s in shown[aircraft]["sensors"]}
        assert named == sensors_named, aircraft
    probe.get("sensors", "/api/v1/airpicture/sensors")
    probe.get("tracks cot", "/api/v1/airpicture/tracks.cot")
    if next(_feeds) % FEED_EVERY == 0:  # a second per stream: every FEED_EVERY-th viewer
        events = probe.get("feed", "/api/v1/airpicture/stream?seconds=1").text
        snapshot = json.loads(events.split("\n\n")[0].splitlines()[1].removeprefix("data: "))
        assert {int(t["icao24"][2:]) for t in snapshot["tracks"]} == set(expected)


def _oversight(probe: Probe) -> None:
    """Computed figures count readable objects and records only."""
    world = probe.world
    summary = probe.get("oversight summary", "/api/v1/oversight/summary?period=2026-11").json()
    objects = {m["member"]: m["computed"].get("objects_shared", 0) for m in summary["members"]}
    readable = Counter(world.objects[i].originator for i in world.readable_objects(probe.viewer))
    assert {m: n for m, n in objects.items() if n} == dict(readable)
    records = {m["member"]: m["computed"].get("ftf_records", 0) for m in summary["members"]}
    held = Counter(world.records[i].originator for i in world.readable_records(probe.viewer))
    assert {m: n for m, n in records.items() if n} == dict(held)
    probe.get("oversight csv", "/api/v1/oversight/summary.csv?period=2026-11")


def _pages(probe: Probe, index: int, record: int) -> None:
    """The browser pages, under the viewer's session."""
    world = probe.world
    readable = world.readable_objects(probe.viewer)
    asked = object_id(world.kinds[index], index)
    for path, url in (
        ("page home", "/"),
        ("page search", "/search?q=hunted"),
        ("page persons", "/fighters/persons"),
        ("page tracks", "/airpicture/tracks.json"),
        ("page oversight", "/oversight?period=2026-11"),
        ("page audit", f"/audit?object_id={asked}"),
        ("page person", f"/fighters/persons/{world.records[record].originator}-hp{record:04d}"),
    ):
        probe.get(path, url, browser=True)
    fake = object_id(world.kinds[index], MISSING)
    for path, url in (("page object", "/objects/{}"), ("page graph", "/graph/data.json?focus={}")):
        if index in readable:
            assert probe.get(path, url.format(asked), browser=True).status_code == 200
        else:
            probe.alike(path, url.format, asked, fake, browser=True)


@HUNT
@given(viewer=viewers(), data=st.data())
def test_every_read_path_shows_a_viewer_exactly_what_its_labels_allow(
    hunt: Hunt, viewer: Viewer, data: st.DataObject
) -> None:
    world = hunt.world
    index = data.draw(st.sampled_from(sorted(world.objects)), label="object")
    record = data.draw(st.sampled_from(sorted(world.records)), label="record")
    limit = data.draw(st.integers(1, 60), label="page size")
    probe = Probe(hunt, viewer)
    _taxii(probe, limit, index)
    _exchange(probe, index)
    _fighters(probe, record)
    _airpicture(probe)
    _oversight(probe)
    _pages(probe, index, record)
