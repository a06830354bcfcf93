"""The demo air picture: a NATO AWACS, a Turkish ground radar and an Iraqi ADS-B receiver over real traffic.

Truth is 20 minutes of real ADS-B trajectories (traffic's OpenSky sample, recorded over Paris),
moved rigidly to northern Iraq: every position keeps its east/north offset from the sample's
centre, so speeds, turns and separations are the real ones. The sensors observe it with noise,
missed detections and clutter, and ``intelcell serve`` replays it live in a loop.

Labels make the partner filtering visible:
- the AWACS is releasable to the whole Coalition;
- the Turkish radar's data is NATO SECRET releasable to NATO only, and only Türkiye may know
  the radar contributed (its provenance label is national);
- tracks inside the "erbil-ops" box are releasable only to the Levant operations partners.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace

import numpy as np

from intelcell.airpicture import inbox, sensors
from intelcell.airpicture.trajectories import load_trajectories
from intelcell.cell import Cell
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.sensor import Orbit, Sensor, SensorKind
from intelcell.domain.airpicture.simulation import SimulatedSensor, Trajectory, observe
from intelcell.store.users import User

log = logging.getLogger(__name__)

CENTRE = (36.0, 43.3)  # between Mosul and Erbil


@dataclass(frozen=True)
class DemoSensor:
    """A demo sensor with its labels and how it behaves in the simulation."""

    sensor: Sensor
    label: str
    provenance_label: str | None
    period_s: float
    max_range_m: float
    pd: float
    clutter_per_scan: float


SENSORS = (
    DemoSensor(
        Sensor(
            "nato-e3a-1",
            "NATO",
            SensorKind.AWACS,
            37.2,
            41.6,
            9_000.0,
            400.0,
            sac=25,
            sic=1,
            range_sigma_m=150.0,
            azimuth_sigma_deg=0.12,
            orbit=Orbit(37.2, 41.6, 9_000.0, 110.0, 120_000.0, 30_000.0, 200.0),
        ),
        "NATO CONFIDENTIAL // REL TO COALITION",
        None,
        10.0,
        400_000.0,
        0.9,
        2.0,
    ),
    DemoSensor(
        Sensor("tur-radar-1", "TUR", SensorKind.RADAR, 37.45, 42.5, 1_200.0, 200.0, sac=30, sic=7),
        "NATO SECRET // REL TO NATO",
        "TUR SECRET",
        6.0,
        180_000.0,
        0.85,
        1.0,
    ),
    DemoSensor(
        Sensor("irq-adsb-1", "IRQ", SensorKind.ADSB, 36.19, 44.01, 420.0, 30.0, sac=40, sic=2),
        "NATO UNCLASSIFIED // REL TO COALITION",
        None,
        1.0,
        350_000.0,
        0.95,
        0.0,
    ),
)

AREAS = (
    (
        "erbil-ops",
        [[35.9, 43.6], [36.6, 43.6], [36.6, 44.4], [35.9, 44.4]],
        "NATO SECRET // REL TO LEVANT",
    ),
)


def load(cell: Cell, admin: User) -> None:
    """Register the demo sensors and areas (again: the definitions are idempotent)."""
    for demo in SENSORS:
        sensors.register_sensor(
            cell, admin, demo.sensor, demo.label, demo.provenance_label, path="cli: demo", is_demo=True
        )
    for area_id, polygon, label in AREAS:
        sensors.register_area(cell, admin, area_id, polygon, label, path="cli: demo")


def relocate(trajectories: list[Trajectory], centre: tuple[float, float]) -> list[Trajectory]:
    """Move trajectories rigidly so their centre lies at ``centre`` (offsets in metres kept)."""
    lats = np.concatenate([t.lat for t in trajectories])
    lons = np.concatenate([t.lon for t in trajectories])
    source = LocalFrame(float(np.median(lats)), float(np.median(lons)))
    target = LocalFrame(*centre)
    moved = []
    for t in trajectories:
        enu = source.to_enu(t.lat, t.lon, np.zeros_like(t.lat))
        lat, lon = target.surface_to_wgs84(enu[0], enu[1])
        moved.append(replace(t, lat=np.asarray(lat), lon=np.asarray(lon)))
    return moved


class Replay:
    """Flies the demo sensors over the trajectories in a loop, feeding the inbox once a second."""

    def __init__(self, cell: Cell, *, seed: int = 2014) -> None:
        self.cell = cell
        self.trajectories = relocate(load_trajectories(), CENTRE)
        self.start = min(t.start for t in self.trajectories)
        self.duration = max(t.end for t in self.trajectories) - self.start
        self.sims = [
            SimulatedSensor(d.sensor, d.period_s, d.max_range_m, d.pd, clutter_per_scan=d.clutter_per_scan)
            for d in SENSORS
        ]
        self.rng = np.random.default_rng(seed)

    def plots_between(self, wall_from: float, wall_to: float) -> list:  # type: ignore[type-arg]
        """The plots of a wall-clock interval: the recording's matching loop interval, times moved to now."""
        offset_from = (wall_from - self.start) % self.duration
        span = wall_to - wall_from
        if offset_from + span > self.duration:  # the loop wraps inside this interval: skip to the start
            offset_from, span = 0.0, span
        t0 = self.start + offset_from
        shift = wall_from - t0
        plots = observe(self.trajectories, self.sims, t0, t0 + span, self.rng)
        return [replace(p, time=p.time + shift) for p in plots]

    def run(self, stop: threading.Event, leading: threading.Event) -> None:
        """Feed one second of plots per second while this process leads the tracker."""
        last = time.time()
        while not stop.wait(1.0):
            now = time.time()
            if not leading.is_set():
                last = now
                continue
            try:
                plots = self.plots_between(last, now)
                report = inbox.accept(self.cell, None, plots, received_at=time.time())
                if report.refused:
                    log.warning("demo replay: %d plots refused, e.g. %s", len(report.refused), report.refused[0])
            except Exception:  # the demo feed must not stop the server
                log.exception("demo replay failed")
            last = now
