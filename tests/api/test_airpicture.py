"""The air picture over HTTP: each partner receives only what it may, on every path.

The scene (tests/airpicture/conftest.py): aircraft A seen by the coalition AWACS, B also by the
Turkish radar (NATO SECRET, releasable to NATO; only Türkiye may know the radar contributed),
C by the AWACS inside an area releasable to the Levant partners.
"""

from __future__ import annotations

import json
import threading
import time
from xml.etree import ElementTree as ET

import pytest

from intelcell.airpicture import asterix
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from tests.airpicture.conftest import T0, Scene
from tests.helpers import bearer

# member, clearance -> addresses of the aircraft whose tracks it may receive
EXPECTED = [
    ("IRQ", "NATO SECRET", {"aaaaaa", "cccccc"}),  # not NATO; in the Levant community
    ("EGY", "NATO SECRET", {"aaaaaa"}),  # neither NATO nor Levant
    ("DEU", "NATO CONFIDENTIAL", {"aaaaaa"}),  # too low for the SECRET tracks
    ("USA", "NATO SECRET", {"aaaaaa", "bbbbbb", "cccccc"}),
    ("TUR", "NATO SECRET", {"aaaaaa", "bbbbbb", "cccccc"}),
]


@pytest.fixture
def picture(flown: Scene, client, make_user):  # type: ignore[no-untyped-def]
    """The flown scene with a token per partner."""
    tokens = {member: make_user(member, clearance)[1] for member, clearance, _ in EXPECTED}
    return flown, client, tokens


def addresses(tracks: list[dict]) -> set[str]:
    return {t["icao24"] for t in tracks}


@pytest.mark.parametrize(("member", "clearance", "expected"), EXPECTED)
def test_snapshot_holds_exactly_the_tracks_a_partner_may_read(picture, member, clearance, expected):
    _, client, tokens = picture
    response = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens[member]))
    assert response.status_code == 200
    assert addresses(response.json()["tracks"]) == expected


@pytest.mark.parametrize("member", ["IRQ", "EGY", "DEU", "USA"])
def test_no_one_but_the_radars_owner_learns_that_the_radar_contributed(picture, member):
    _, client, tokens = picture
    for path in ("/api/v1/airpicture/tracks", "/api/v1/airpicture/tracks?format=csv", "/api/v1/airpicture/sensors"):
        body = client.get(path, headers=bearer(tokens[member])).text
        assert "tur-radar" not in body


def test_the_radars_owner_sees_its_radar_in_the_provenance(picture):
    _, client, tokens = picture
    tracks = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["TUR"])).json()["tracks"]
    (b,) = [t for t in tracks if t["icao24"] == "bbbbbb"]
    assert b["sensors"] == ["nato-awacs-1", "tur-radar-1"]
    sensors = client.get("/api/v1/airpicture/sensors", headers=bearer(tokens["TUR"])).json()["sensors"]
    assert "tur-radar-1" in {s["id"] for s in sensors}


@pytest.mark.parametrize(("member", "clearance", "expected"), EXPECTED)
def test_exports_hold_exactly_the_tracks_a_partner_may_read(picture, member, clearance, expected):
    _scene, client, tokens = picture
    headers = bearer(tokens[member])
    snapshot = client.get("/api/v1/airpicture/tracks", headers=headers).json()["tracks"]
    numbers = {t["track_number"] for t in snapshot}
    csv_rows = client.get("/api/v1/airpicture/tracks?format=csv", headers=headers).text.strip().splitlines()
    assert csv_rows[0] == "time,track_number,lat,lon,alt_m,vel_e_mps,vel_n_mps,identity"
    assert {int(row.split(",")[1]) for row in csv_rows[1:]} == numbers
    cot = ET.fromstring(client.get("/api/v1/airpicture/tracks.cot", headers=headers).content)
    assert {e.get("uid") for e in cot} == {f"intelcell-track-{n}" for n in numbers}
    data = client.get("/api/v1/airpicture/tracks.asterix", headers=headers).content
    cell_feed = Sensor("cell", "NATO", SensorKind.SYSTEM, 36.0, 43.0, 0.0, 100.0, sac=0, sic=1)
    decoded = asterix.decode(data, [cell_feed], day_start=T0 - T0 % 86_400, now=T0)
    assert {p.icao24 for p in decoded.plots} == expected


def wait_for_subscriber(client) -> None:  # type: ignore[no-untyped-def]
    """Wait until the stream under test has subscribed and taken its snapshot (so changes come after it)."""
    hub = client.app.state.airpicture_hub
    deadline = time.monotonic() + 5
    while not hub._subscribers and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the snapshot is read right after subscribing


def read_stream(client, token: str, seconds: int, during=None) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    """The events of a bounded stream; ``during`` runs in a thread while it is open."""
    if during is not None:
        thread = threading.Thread(target=during)
        thread.start()
    response = client.get(f"/api/v1/airpicture/stream?seconds={seconds}", headers=bearer(token))
    if during is not None:
        thread.join()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = []
    for block in response.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.mark.parametrize(("member", "clearance", "expected"), EXPECTED)
def test_the_live_feed_starts_with_the_partners_snapshot(picture, member, clearance, expected):
    _, client, tokens = picture
    events = read_stream(client, tokens[member], 1)
    kind, data = events[0]
    assert kind == "snapshot"
    assert addresses(data["tracks"]) == expected


def test_live_updates_reach_only_partners_who_may_read_them_and_a_track_that_becomes_unreadable_is_dropped(picture):
    scene, client, tokens = picture

    def more_plots() -> None:
        wait_for_subscriber(client)
        # A and B fly on; from now on the Turkish radar also sees A, which makes A NATO SECRET.
        plots = scene.fly("aaaaaa", -100_000, 0, ("nato-awacs-1", "tur-radar-1"), scans=2, t0=T0 + 40)
        plots += scene.fly("bbbbbb", 100_000, -100_000, ("nato-awacs-1", "tur-radar-1"), scans=2, t0=T0 + 40)
        scene.run(plots)

    events = read_stream(client, tokens["IRQ"], 2, during=more_plots)
    snapshot = {t["icao24"]: t["track_number"] for t in events[0][1]["tracks"]}
    later = events[1:]
    assert all(kind in ("track", "drop") for kind, _ in later)
    assert "bbbbbb" not in {data.get("icao24") for _, data in later}
    assert ("drop", {"track_number": snapshot["aaaaaa"]}) in later
    # After the drop, nothing more of A.
    dropped_at = later.index(("drop", {"track_number": snapshot["aaaaaa"]}))
    assert all(data.get("icao24") != "aaaaaa" for _, data in later[dropped_at:])


def test_live_updates_reach_a_partner_who_may_read_them(picture):
    scene, client, tokens = picture

    def more_plots() -> None:
        wait_for_subscriber(client)
        scene.run(scene.fly("bbbbbb", 100_000, -100_000, ("nato-awacs-1", "tur-radar-1"), scans=2, t0=T0 + 40))

    events = read_stream(client, tokens["USA"], 2, during=more_plots)
    updates = [data for kind, data in events[1:] if kind == "track"]
    assert updates and {u["icao24"] for u in updates} == {"bbbbbb"}
    assert all(u["sensors"] == ["nato-awacs-1"] for u in updates)  # the Turkish radar withheld


def test_a_revoked_token_gets_no_stream(picture):
    _, client, _tokens = picture
    assert client.get("/api/v1/airpicture/stream?seconds=1", headers=bearer("ic_not-a-token")).status_code == 401


def test_an_identity_for_a_track_the_caller_may_not_read_is_refused_like_one_that_does_not_exist(picture):
    _scene, client, tokens = picture
    snapshot = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["USA"])).json()["tracks"]
    b = next(t["track_number"] for t in snapshot if t["icao24"] == "bbbbbb")
    hidden = client.post(
        f"/api/v1/airpicture/tracks/{b}/identity", json={"identity": "HOSTILE"}, headers=bearer(tokens["IRQ"])
    )
    missing = client.post(
        "/api/v1/airpicture/tracks/9999/identity", json={"identity": "HOSTILE"}, headers=bearer(tokens["IRQ"])
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"] == missing.json()["error"]
    assert hidden.json()["reason"].replace(str(b), "N") == missing.json()["reason"].replace("9999", "N")


def test_an_analyst_sets_the_identity_of_a_track_it_may_read(picture):
    scene, client, tokens = picture
    snapshot = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["USA"])).json()["tracks"]
    b = next(t["track_number"] for t in snapshot if t["icao24"] == "bbbbbb")
    response = client.post(
        f"/api/v1/airpicture/tracks/{b}/identity", json={"identity": "HOSTILE"}, headers=bearer(tokens["USA"])
    )
    assert response.status_code == 202
    scene.engine.step()
    snapshot = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["TUR"])).json()["tracks"]
    assert next(t["identity"] for t in snapshot if t["track_number"] == b) == "HOSTILE"


# -- ingest over HTTP -------------------------------------------------------------------------


def test_plots_posted_as_json_are_accepted_for_own_sensors_only(picture):
    _scene, client, tokens = picture
    plot = {"time": T0 + 60, "sensor": "tur-radar-1", "lat": 36.0, "lon": 43.0, "alt_m": 9000, "sigma_m": 100}
    own = client.post("/api/v1/airpicture/plots", json={"plots": [plot]}, headers=bearer(tokens["TUR"]))
    other = client.post("/api/v1/airpicture/plots", json={"plots": [plot]}, headers=bearer(tokens["IRQ"]))
    assert own.status_code == other.status_code == 202
    assert own.json()["accepted"] == 1
    assert other.json()["accepted"] == 0 and "unknown sensor" in other.json()["reasons"][0]


@pytest.mark.parametrize(
    ("plot", "reason"),
    [
        ({"time": T0 + 60, "sensor": "irq-adsb-1", "lat": 95, "lon": 43, "sigma_m": 30}, "latitude"),
        ({"time": T0 + 60, "sensor": "irq-adsb-1", "lat": 36, "lon": 43}, "missing sigma_m"),
        ({"time": "soon", "sensor": "irq-adsb-1", "lat": 36, "lon": 43, "sigma_m": 30}, "could not convert"),
        ({"time": T0 + 60, "sensor": "irq-adsb-1", "lat": 36, "lon": 43, "sigma_m": 30, "speed": 3}, "unknown fields"),
        ("not an object", "not a JSON object"),
    ],
)
def test_bad_json_plots_are_refused_with_their_reason_and_the_rest_kept(picture, plot, reason):
    _, client, tokens = picture
    good = {"time": T0 + 60, "sensor": "irq-adsb-1", "lat": 36.0, "lon": 43.0, "sigma_m": 30}
    response = client.post("/api/v1/airpicture/plots", json={"plots": [plot, good]}, headers=bearer(tokens["IRQ"]))
    assert response.status_code == 202
    assert response.json()["accepted"] == 1
    assert reason in response.json()["reasons"][0] and response.json()["reasons"][0].startswith("plot 0")


def test_plot_csv_without_its_header_columns_is_refused_whole(picture):
    _, client, tokens = picture
    response = client.post(
        "/api/v1/airpicture/plots.csv", content=b"time,sensor,lat\n1,irq-adsb-1,36\n", headers=bearer(tokens["IRQ"])
    )
    assert response.status_code == 422 and "lon" in response.json()["reason"]
    latin1 = "time,sensor,lat,lon,alt_m,sigma_m\n1,capteur-é,36,43,,30\n".encode("latin-1")
    response = client.post("/api/v1/airpicture/plots.csv", content=latin1, headers=bearer(tokens["IRQ"]))
    assert response.status_code == 422 and "UTF-8" in response.json()["reason"]


def test_plot_csv_rows_are_refused_by_line(picture):
    _, client, tokens = picture
    body = (
        f"time,sensor,lat,lon,alt_m,sigma_m\n{T0 + 60},irq-adsb-1,36,43,9000,30\n{T0 + 61},irq-adsb-1,36,43,99999,30\n"
    )
    response = client.post("/api/v1/airpicture/plots.csv", content=body.encode(), headers=bearer(tokens["IRQ"]))
    assert response.json()["accepted"] == 1
    assert response.json()["reasons"] == ["line 3: altitude 99999.0 m is outside -500..30000 m"]


def test_garbage_asterix_is_counted_and_skipped(picture):
    _, client, tokens = picture
    response = client.post("/api/v1/airpicture/asterix", content=b"\x30\x00\x40garbage", headers=bearer(tokens["TUR"]))
    assert response.status_code == 202
    assert response.json()["accepted"] == 0 and response.json()["refused"] >= 1


def test_mode_s_for_a_receiver_that_is_not_the_callers_is_not_found(picture):
    _, client, tokens = picture
    response = client.post(
        "/api/v1/airpicture/modes/irq-adsb-1",
        content=b"1,8D4840D6202CC371C32CE0576098\n",
        headers=bearer(tokens["TUR"]),
    )
    assert response.status_code == 404


def test_sensors_and_areas_are_validated(picture, make_user):
    _, client, tokens = picture
    _, admin = make_user("NATO", role="admin", name="api.admin")
    bad_sensor = {"id": "x", "member": "IRQ", "kind": "sonar", "lat": 0, "lon": 0, "alt_m": 0, "sigma_m": 10}
    response = client.post(
        "/api/v1/airpicture/sensors",
        json={"sensor": bad_sensor, "label": "NATO UNCLASSIFIED"},
        headers=bearer(tokens["IRQ"]),
    )
    assert response.status_code == 422 and "kind" in response.json()["reason"]
    foreign = {**bad_sensor, "kind": "radar", "member": "TUR"}
    response = client.post(
        "/api/v1/airpicture/sensors",
        json={"sensor": foreign, "label": "NATO UNCLASSIFIED"},
        headers=bearer(tokens["IRQ"]),
    )
    assert response.status_code == 422 and "cannot register" in response.json()["reason"]
    area = {"id": "a1", "polygon": [[0, 0], [1, 1], [95, 0]], "label": "NATO SECRET"}
    assert client.post("/api/v1/airpicture/areas", json=area, headers=bearer(tokens["IRQ"])).status_code == 403
    response = client.post("/api/v1/airpicture/areas", json=area, headers=bearer(admin))
    assert response.status_code == 422 and "WGS-84" in response.json()["reason"]


def test_the_basemap_is_served_offline_to_any_user(picture):
    _, client, tokens = picture
    response = client.get("/api/v1/airpicture/basemap", headers=bearer(tokens["EGY"]))
    assert response.status_code == 200 and response.headers["content-type"] == "application/geo+json"
    iraq = [f for f in response.json()["features"] if f["properties"]["iso_a3"] == "IRQ"]
    assert len(iraq) == 1
    assert client.get("/api/v1/airpicture/basemap").status_code == 401


def test_a_member_cannot_redefine_or_probe_another_members_sensor(picture):
    _, client, tokens = picture
    takeover = {"id": "tur-radar-1", "member": "FRA", "kind": "radar", "lat": 36, "lon": 43, "alt_m": 0, "sigma_m": 100}
    body = {"sensor": takeover, "label": "NATO UNCLASSIFIED // REL TO COALITION"}
    response = client.post("/api/v1/airpicture/sensors", json=body, headers=bearer(tokens["USA"]))
    assert response.status_code == 422 and "must start with 'fra-'" not in response.json()["reason"]
    response = client.post(
        "/api/v1/airpicture/sensors",
        json={**body, "sensor": {**takeover, "member": "USA"}},
        headers=bearer(tokens["USA"]),
    )
    assert response.status_code == 422 and "must start with 'usa-'" in response.json()["reason"]
    tracks = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["EGY"])).json()["tracks"]
    assert "bbbbbb" not in addresses(tracks)


def test_the_stream_snapshot_carries_no_feed_position(picture):
    _, client, tokens = picture
    kind, data = read_stream(client, tokens["IRQ"], 1)[0]
    assert kind == "snapshot" and set(data) == {"tracks"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/airpicture/tracks/9223372036854775808/identity", {"identity": "HOSTILE"}),
        ("/api/v1/airpicture/tracks/0/identity", {"identity": "HOSTILE"}),
        ("/api/v1/airpicture/tracks/7/identity", {"identity": "ENEMY"}),
    ],
)
def test_out_of_range_identity_requests_are_422_not_500(picture, path, body):
    _, client, tokens = picture
    assert client.post(path, json=body, headers=bearer(tokens["USA"])).status_code == 422


def test_a_json_number_too_large_for_a_float_is_refused_as_a_plot(picture):
    _, client, tokens = picture
    content = (
        b'{"plots": [{"time": 1' + b"0" * 400 + b', "sensor": "irq-adsb-1", "lat": 36, "lon": 43, "sigma_m": 30}]}'
    )
    response = client.post(
        "/api/v1/airpicture/plots",
        content=content,
        headers={**bearer(tokens["IRQ"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 202 and response.json()["accepted"] == 0
