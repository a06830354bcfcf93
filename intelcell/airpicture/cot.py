"""Cursor-on-Target (CoT 2.0) events of system tracks, for TAK and other CoT consumers.

Each track becomes one ``<event>`` of type ``a-<affiliation>-A`` (an air track) whose ``uid``
is stable per track number; the export wraps the events in one ``<events>`` element so it is a
single well-formed document (a streaming consumer takes the events one by one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from intelcell.domain.airpicture.model import Identity, TrackState

AFFILIATION = {
    Identity.PENDING: "p",
    Identity.UNKNOWN: "u",
    Identity.ASSUMED_FRIEND: "a",
    Identity.FRIEND: "f",
    Identity.NEUTRAL: "n",
    Identity.SUSPECT: "s",
    Identity.HOSTILE: "h",
}
STALE_S = 30.0  # a consumer drops a track not refreshed within this
CE90 = 2.146  # 90 % circular error of a 2-D Gaussian, in sigmas
UID_PREFIX = "intelcell-track-"


def _time(t: float) -> str:
    """A CoT timestamp (UTC, milliseconds, Z)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def event(state: TrackState, *, now: float) -> ET.Element:
    """The CoT event of one track."""
    root = ET.Element(
        "event",
        version="2.0",
        uid=f"{UID_PREFIX}{state.track_number}",
        type=f"a-{AFFILIATION[state.identity]}-A",
        how="m-f",  # machine, fused
        time=_time(now),
        start=_time(state.time),
        stale=_time(max(now, state.time) + STALE_S),
    )
    ET.SubElement(
        root,
        "point",
        lat=f"{state.lat:.7f}",
        lon=f"{state.lon:.7f}",
        hae="9999999.0" if state.alt_m is None else f"{state.alt_m:.1f}",
        ce=f"{state.sigma_m * CE90:.1f}",
        le="9999999.0",
    )
    detail = ET.SubElement(root, "detail")
    course = math.degrees(math.atan2(state.vel_e_mps, state.vel_n_mps)) % 360
    speed = math.hypot(state.vel_e_mps, state.vel_n_mps)
    ET.SubElement(detail, "track", course=f"{course:.1f}", speed=f"{speed:.1f}")
    ET.SubElement(detail, "contact", callsign=state.callsign or f"TN{state.track_number:05d}")
    if state.mode3a or state.icao24:
        codes = ET.SubElement(detail, "_transponder_")
        if state.mode3a:
            codes.set("mode3a", state.mode3a)
        if state.icao24:
            codes.set("icao24", state.icao24)
    return root


def events_xml(states: Iterable[TrackState], *, now: float) -> bytes:
    """One XML document holding the CoT event of each track."""
    root = ET.Element("events")
    for state in states:
        root.append(event(state, now=now))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
