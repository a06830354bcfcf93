"""Property: whatever the sensors' labels and the reader, the picture shows a track exactly when
the reader may read the dominant label of its sensors, and a sensor in its provenance exactly when
the reader may read that sensor's provenance label. Also: the feed fans out across processes."""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelcell.airpicture import picture, sensors
from intelcell.api.app import create_app
from intelcell.cell import open_cell
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import parse
from intelcell.domain.policy import can_read
from tests.airpicture.conftest import SENSOR_LABEL_CHOICES, T0, Scene
from tests.helpers import bearer

LABELS = SENSOR_LABEL_CHOICES
MEMBERS = ["USA", "TUR", "IRQ", "EGY", "FRA"]
LEVELS = ["NATO UNCLASSIFIED", "NATO RESTRICTED", "NATO CONFIDENTIAL", "NATO SECRET", "COSMIC TOP SECRET"]
_counter = itertools.count()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sensor_labels=st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=3, max_size=3),
    seen_by=st.lists(st.sets(st.integers(0, 2), min_size=1), min_size=1, max_size=3),
    member=st.sampled_from(MEMBERS),
    level=st.sampled_from(LEVELS),
    caveats=st.sets(st.sampled_from(["SIGINT"])),
)
def test_a_reader_gets_a_track_and_its_provenance_exactly_as_the_labels_allow(
    scene: Scene, make_user, sensor_labels, seen_by, member, level, caveats
):
    cell = scene.cell
    run = next(_counter)
    admin, _ = make_user("NATO", role="admin", name="leak.admin")
    ids = []
    for k, (data_label, provenance) in enumerate(sensor_labels):
        owner = MEMBERS[(run + k) % len(MEMBERS)]
        sensor = Sensor(f"{owner.lower()}-s{run}-{k}", owner, SensorKind.RADAR, 36.0, 43.0, 500.0, 100.0)
        sensors.register_sensor(cell, admin, sensor, data_label, provenance)
        ids.append(sensor)
    plots = []
    start = T0 + run * 1000
    for a, subset in enumerate(seen_by):
        plots += scene.fly(
            f"{run:04x}{a:02x}", a * 40_000.0, run * 5_000.0, tuple(ids[i].id for i in sorted(subset)), t0=start
        )
    scene.wall[0] = start
    scene.run(plots)
    reader_user, _ = make_user(member, level, tuple(sorted(caveats)), name=f"reader-{run}")
    with cell.db.read() as conn:
        reader = picture.reader_for(cell, conn, reader_user)
        tracks, _ = picture.snapshot(conn, reader)
    mine = {t["icao24"]: t for t in tracks if t["icao24"].startswith(f"{run:04x}")}
    viewer = reader_user.viewer
    for a, subset in enumerate(seen_by):
        labels = [parse(sensor_labels[i][0], cell.vocabulary) for i in subset]
        try:
            readable = can_read(viewer, dominant(labels, cell.registry), "NATO", cell.registry)
        except NoCommonReleasability:
            readable = False
        address = f"{run:04x}{a:02x}"
        assert (address in mine) == readable, (labels, member, level)
        if readable:
            expected = {
                ids[i].id
                for i in subset
                if can_read(viewer, parse(sensor_labels[i][1], cell.vocabulary), ids[i].member, cell.registry)
            }
            assert set(mine[address]["sensors"]) == expected


def test_a_second_api_process_streams_the_picture_the_first_one_tracks(flown: Scene, make_user):
    """The feed fans out through the database: a process that does not track still serves it."""
    from fastapi.testclient import TestClient

    _, token = make_user("USA", "NATO SECRET")
    second = open_cell(flown.cell.settings, flown.cell.clock)
    try:
        with TestClient(create_app(cell=second), base_url="https://testserver") as other:
            response = other.get("/api/v1/airpicture/stream?seconds=1", headers=bearer(token))
    finally:
        second.db.dispose()
    first_event = response.text.split("\n\n")[0].splitlines()
    assert first_event[0] == "event: snapshot"
    tracks = json.loads(first_event[1].removeprefix("data: "))["tracks"]
    assert {t["icao24"] for t in tracks} == {"aaaaaa", "bbbbbb", "cccccc"}
