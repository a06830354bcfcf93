"""Cursor-on-Target export: one well-formed event per track, affiliation from identity."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from intelcell.airpicture import cot
from intelcell.domain.airpicture.model import Identity, TrackState


def state(number: int, identity: Identity, **extra) -> TrackState:  # type: ignore[no-untyped-def]
    base = {"time": 1_795_000_000.0, "lat": 36.1, "lon": 43.2, "alt_m": 9000.0, "vel_e_mps": 200.0, "vel_n_mps": 0.0}
    return TrackState(number, identity=identity, quality=6, sigma_m=80.0, sensors=frozenset(), **base, **extra)


@pytest.mark.parametrize(
    ("identity", "kind"),
    [
        (Identity.HOSTILE, "a-h-A"),
        (Identity.NEUTRAL, "a-n-A"),
        (Identity.ASSUMED_FRIEND, "a-a-A"),
        (Identity.PENDING, "a-p-A"),
    ],
)
def test_each_identity_has_its_cot_affiliation(identity, kind):
    (event,) = ET.fromstring(cot.events_xml([state(7, identity)], now=1_795_000_001.0))
    assert event.get("type") == kind and event.get("uid") == "intelcell-track-7"


def test_an_event_carries_position_error_course_speed_and_codes():
    xml = cot.events_xml(
        [state(9, Identity.NEUTRAL, mode3a="7500", icao24="4ca7b2", callsign="RYR12")], now=1_795_000_001.0
    )
    (event,) = ET.fromstring(xml)
    point, detail = event.find("point"), event.find("detail")
    assert float(point.get("ce")) == pytest.approx(80.0 * cot.CE90, abs=0.1)
    assert float(detail.find("track").get("course")) == pytest.approx(90.0)
    assert float(detail.find("track").get("speed")) == pytest.approx(200.0)
    assert detail.find("contact").get("callsign") == "RYR12"
    assert detail.find("_transponder_").get("mode3a") == "7500"
    assert event.get("stale") > event.get("time")
