"""The tracking engine: labels of fused tracks, the lease, crash safety, the change sequence."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from intelcell.airpicture import inbox
from intelcell.airpicture.engine import KEEP_DELETED_S, LEASE_SECONDS, Engine, LostLease
from intelcell.domain.dominance import dominant
from intelcell.domain.label import parse
from intelcell.store.schema import air_inbox, air_tracks
from tests.airpicture.conftest import T0, Scene


def rows(scene: Scene) -> dict[str, dict]:
    """Track rows by the aircraft's address: label text, deleted flag, sensors."""
    out = {}
    with scene.cell.db.read() as conn:
        for row in conn.execute(select(air_tracks)):
            state = json.loads(row.state)
            label = scene.cell.labels.label(conn, row.label_id) if row.label_id is not None else None
            out[state["icao24"]] = {
                "label": label.text() if label else None,
                "deleted": row.deleted,
                "sensors": json.loads(row.sensors),
                "track_number": row.track_number,
                "seq": row.seq,
            }
    return out


def test_a_fused_track_carries_the_dominant_label_of_its_sensors_and_areas(flown: Scene):
    by_address = rows(flown)

    def combined(*texts: str) -> str:
        labels = [parse(text, flown.cell.vocabulary) for text in texts]
        return dominant(labels, flown.cell.registry).text()

    awacs = "NATO CONFIDENTIAL // REL TO COALITION"
    assert by_address["aaaaaa"]["label"] == combined(awacs)
    # AWACS (CONFIDENTIAL, COALITION) with the Turkish radar (SECRET, NATO): SECRET, NATO.
    assert by_address["bbbbbb"]["label"] == combined(awacs, "NATO SECRET // REL TO NATO") == "NATO SECRET"
    assert by_address["bbbbbb"]["sensors"] == ["nato-awacs-1", "tur-radar-1"]
    # Inside the box: the area's label joins in.
    assert by_address["cccccc"]["label"] == combined(awacs, "NATO SECRET // REL TO LEVANT")


def test_sensors_that_share_no_releasability_make_a_track_no_one_may_read(scene: Scene, make_user):
    from intelcell.airpicture import sensors
    from intelcell.domain.airpicture.sensor import Sensor, SensorKind

    admin, _ = make_user("NATO", role="admin", name="air.admin2")
    for member in ("FRA", "DEU"):
        sensor = Sensor(f"{member.lower()}-radar", member, SensorKind.RADAR, 36.0, 43.0, 100.0, 100.0)
        sensors.register_sensor(scene.cell, admin, sensor, f"{member} SECRET")
    scene.run(scene.fly("dddddd", 0, 0, ("fra-radar", "deu-radar")))
    assert rows(scene)["dddddd"]["label"] is None


def test_changes_get_increasing_sequence_numbers_and_deleted_tracks_stay_for_a_while(flown: Scene):
    before = rows(flown)
    flown.run(flown.fly("aaaaaa", -100_000, 0, ("nato-awacs-1",), scans=1, t0=T0 + 40))
    after = rows(flown)
    assert after["aaaaaa"]["seq"] > max(r["seq"] for r in before.values())
    assert after["aaaaaa"]["track_number"] == before["aaaaaa"]["track_number"]
    # Nothing more is seen: the picture's clock follows the wall clock and the tracks end.
    flown.wall[0] = T0 + 200
    assert flown.engine.lead()
    flown.engine.step()
    assert all(r["deleted"] for r in rows(flown).values())
    flown.wall[0] = T0 + 200 + KEEP_DELETED_S + 60
    flown.run(flown.fly("eeeeee", 0, 0, ("nato-awacs-1",), scans=3, t0=flown.wall[0]))
    assert set(rows(flown)) == {"eeeeee"}


def test_one_engine_leads_at_a_time_and_a_new_leader_ends_the_old_picture(flown: Scene):
    wall = flown.wall
    other = Engine(flown.cell, wall=lambda: wall[0], holder="other")
    assert not other.lead()
    numbers = {r["track_number"] for r in rows(flown).values()}
    wall[0] += LEASE_SECONDS + 1  # the first leader stopped renewing (crashed)
    assert other.lead()
    assert all(r["deleted"] for r in rows(flown).values())
    assert not flown.engine.lead()
    # Numbering continues after the old picture's numbers.
    other_scene = Scene(flown.cell, other, wall)
    other_scene.run(other_scene.fly("ffffff", 0, 0, ("nato-awacs-1",), scans=3, t0=wall[0]))
    assert rows(flown)["ffffff"]["track_number"] > max(numbers)


def test_acknowledged_plots_wait_in_the_inbox_until_a_leader_takes_them(scene: Scene):
    report = inbox.accept(scene.cell, None, scene.fly("aaaaaa", 0, 0, ("nato-awacs-1",)), received_at=T0)
    assert report.stored == 4
    with scene.cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(air_inbox)).scalar_one() == 4
    # The process that accepted them dies; another leads and tracks them.
    survivor = Engine(scene.cell, wall=lambda: T0 + 40, holder="survivor")
    assert survivor.lead()
    survivor.step()
    assert rows(scene)["aaaaaa"]["deleted"] is False
    with scene.cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(air_inbox)).scalar_one() == 0


def test_an_analyst_identity_is_applied_in_input_order(flown: Scene):
    number = rows(flown)["aaaaaa"]["track_number"]
    with flown.cell.db.write() as conn:
        inbox.assign_identity(conn, number, parse_identity("HOSTILE"), received_at=T0)
    flown.engine.step()
    with flown.cell.db.read() as conn:
        state = json.loads(
            conn.execute(select(air_tracks.c.state).where(air_tracks.c.track_number == number)).scalar_one()
        )
    assert state["identity"] == "HOSTILE"


def parse_identity(text: str):  # type: ignore[no-untyped-def]
    from intelcell.domain.airpicture.model import Identity

    return Identity(text)


def test_a_leader_that_stalled_past_its_lease_writes_nothing_after_a_takeover(flown: Scene):
    wall = flown.wall
    before = rows(flown)
    inbox.accept(
        flown.cell, None, flown.fly("aaaaaa", -100_000, 0, ("nato-awacs-1",), scans=1, t0=T0 + 40), received_at=T0
    )
    wall[0] += LEASE_SECONDS + 1
    other = Engine(flown.cell, wall=lambda: wall[0], holder="other")
    assert other.lead()
    with pytest.raises(LostLease):
        flown.engine.step()  # the old leader wakes up and tries to write its step
    assert flown.engine.tracker is None
    with flown.cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(air_inbox)).scalar_one() == 1  # still there
    assert all(r["deleted"] for r in rows(flown).values()) and set(rows(flown)) == set(before)


def test_a_new_leader_continues_the_numbering_after_a_release(flown: Scene):
    highest = max(r["track_number"] for r in rows(flown).values())
    flown.engine.release()
    wall = flown.wall
    other = Scene(flown.cell, Engine(flown.cell, wall=lambda: wall[0], holder="other"), wall)
    other.run(other.fly("ffffff", 0, 0, ("nato-awacs-1",), scans=3, t0=wall[0] + 100))
    assert rows(flown)["ffffff"]["track_number"] == highest + 1


@pytest.mark.parametrize(("missing", "named"), [(("sigma_m",), "sigma_m"), (("lat", "alt_m"), "lat, alt_m")])
def test_a_sensor_definition_missing_a_field_names_it_not_python_internals(
    missing: tuple[str, ...], named: str
) -> None:
    from intelcell.airpicture.sensors import RegistryError, sensor_from_json

    definition = {
        "id": "usa-r1",
        "member": "USA",
        "kind": "radar",
        "lat": 36.0,
        "lon": 43.0,
        "alt_m": 0.0,
        "sigma_m": 50.0,
    }
    with pytest.raises(RegistryError, match=f"^sensor fields missing: {named}$"):
        sensor_from_json({k: v for k, v in definition.items() if k not in missing})
