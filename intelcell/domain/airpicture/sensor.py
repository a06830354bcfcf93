"""Sensors that feed the picture: AWACS on an orbit, ground radars, ADS-B receivers, other trackers.

A sensor belongs to a member and carries an accuracy; ASTERIX identifies it by its SAC/SIC
(system area code and system identification code, I0xx/010).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_SENSOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SensorError(ValueError):
    """A sensor definition that cannot be used; the message names the field."""


class SensorKind(StrEnum):
    """What kind of sensor reports the plots."""

    AWACS = "awacs"
    RADAR = "radar"
    ADSB = "adsb"
    SYSTEM = "system"  # another tracker's system tracks (ASTERIX CAT062)


@dataclass(frozen=True, slots=True)
class Orbit:
    """A racetrack orbit: centre, heading of the long axis, leg length and turn diameter, speed."""

    lat: float
    lon: float
    alt_m: float
    heading_deg: float
    leg_m: float
    width_m: float
    speed_mps: float


@dataclass(frozen=True, slots=True)
class Sensor:
    """A registered sensor: owner, kind, site (or orbit), accuracy and ASTERIX identity."""

    id: str
    member: str
    kind: SensorKind
    lat: float
    lon: float
    alt_m: float
    sigma_m: float
    sac: int | None = None
    sic: int | None = None
    range_sigma_m: float = 50.0
    azimuth_sigma_deg: float = 0.08
    orbit: Orbit | None = None

    def __post_init__(self) -> None:
        if not _SENSOR_ID.fullmatch(self.id):
            raise SensorError(f"sensor id {self.id!r} must be 1 to 64 letters, digits, '_', '.' or '-'")
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise SensorError(f"sensor {self.id}: position {self.lat}, {self.lon} is not WGS-84")
        if not 0 < self.sigma_m <= 50_000:
            raise SensorError(f"sensor {self.id}: sigma_m {self.sigma_m} is outside 0..50000")
        for name, code in (("sac", self.sac), ("sic", self.sic)):
            if code is not None and not 0 <= code <= 255:
                raise SensorError(f"sensor {self.id}: {name} {code} is not a byte")
