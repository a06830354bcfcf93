"""A small labelled air picture: three sensors, one area, aircraft flown past chosen sensors."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from intelcell.airpicture import inbox, sensors
from intelcell.airpicture.engine import Engine
from intelcell.cell import Cell
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.model import Plot
from intelcell.domain.airpicture.sensor import Sensor, SensorKind

T0 = 1_795_000_000.0
CENTRE = (36.0, 43.0)
FRAME = LocalFrame(*CENTRE)

SENSOR_LABELS = {
    # id: (member, kind, data label, provenance label)
    "nato-awacs-1": ("NATO", SensorKind.AWACS, "NATO CONFIDENTIAL // REL TO COALITION", None),
    "tur-radar-1": ("TUR", SensorKind.RADAR, "NATO SECRET // REL TO NATO", "TUR SECRET"),
    "irq-adsb-1": ("IRQ", SensorKind.ADSB, "NATO UNCLASSIFIED // REL TO COALITION", None),
}
# Labels sensors plausibly carry, for tests that draw them.
SENSOR_LABEL_CHOICES = [
    "NATO UNCLASSIFIED // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO COALITION",
    "NATO SECRET // REL TO NATO",
    "NATO SECRET // REL TO LEVANT",
    "NATO SECRET // REL TO USA, TUR",
    "NATO RESTRICTED // REL TO COALITION // SIGINT",
    "TUR SECRET",
    "USA CONFIDENTIAL // REL TO IRQ, TUR",
]
AREA_LABEL = "NATO SECRET // REL TO LEVANT"
# The area is a box 40-60 km north of the centre.
AREA = [[36.36, 42.8], [36.54, 42.8], [36.54, 43.2], [36.36, 43.2]]


@dataclass
class Scene:
    """A cell with the sensors and area registered, its engine, and a clock for both."""

    cell: Cell
    engine: Engine
    wall: list[float] = field(default_factory=lambda: [T0])

    def plot(self, t: float, east: float, north: float, sensor: str, icao24: str | None = None) -> Plot:
        """A plot at a local position (metres from the centre)."""
        lat, lon = FRAME.surface_to_wgs84(east, north)
        return Plot(t, sensor, float(lat), float(lon), 9_000.0, 100.0, icao24=icao24)

    def fly(self, icao24: str, east: float, north: float, sensors_: tuple[str, ...], scans: int = 4, t0: float = T0):
        """Plots of an aircraft flying east at 200 m/s from (east, north) at T0, seen by each sensor every 10 s."""
        plots = []
        for k in range(scans):
            for j, sensor in enumerate(sensors_):
                t = t0 + 10.0 * k + 0.1 * j
                plots.append(self.plot(t, east + 200.0 * (t - T0), north, sensor, icao24))
        return plots

    def run(self, plots: list[Plot]) -> inbox.Accepted:
        """Accept plots (in time order, as sensors send them), then let the leading engine take them."""
        plots = sorted(plots, key=lambda p: p.time)
        if plots:  # the plots are received as they are made: the clock moves to the newest
            self.wall[0] = max(self.wall[0], plots[-1].time)
        report = inbox.accept(self.cell, None, plots, received_at=self.wall[0])
        assert self.engine.lead()
        while self.engine.step():
            pass
        return report


def register(cell: Cell, admin) -> None:  # type: ignore[no-untyped-def]
    """Register the scene's sensors and area."""
    for sensor_id, (member, kind, label, provenance) in SENSOR_LABELS.items():
        sensor = Sensor(sensor_id, member, kind, CENTRE[0], CENTRE[1], 500.0, 100.0)
        sensors.register_sensor(cell, admin, sensor, label, provenance)
    sensors.register_area(cell, admin, "box", AREA, AREA_LABEL)


@pytest.fixture
def scene(cell: Cell, make_user) -> Scene:  # type: ignore[no-untyped-def]
    """The scene with no aircraft yet."""
    admin, _ = make_user("NATO", role="admin", name="air.admin")
    register(cell, admin)
    made = Scene(cell, Engine(cell, wall=lambda: made.wall[0], holder="test-engine"))
    return made


@pytest.fixture
def flown(scene: Scene) -> Scene:
    """Three aircraft: A seen by the AWACS, B by the AWACS and the Turkish radar, C by the AWACS inside the area."""
    plots = scene.fly("aaaaaa", -100_000, 0, ("nato-awacs-1",))
    plots += scene.fly("bbbbbb", 100_000, -100_000, ("nato-awacs-1", "tur-radar-1"))
    plots += scene.fly("cccccc", -20_000, 50_000, ("nato-awacs-1",))
    scene.run(plots)
    return scene
