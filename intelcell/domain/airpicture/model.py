"""Value types of the air picture: a plot (one detection), a track's published state, identity.

The field names follow DESIGN.md section 4's CSV contract: times are UNIX seconds, positions
WGS-84 degrees, altitudes metres, velocities metres per second east and north.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

# Beyond these a report is not an aircraft in the atmosphere but a corrupt or hostile record.
MIN_ALT_M = -500.0
MAX_ALT_M = 30_000.0
MAX_SIGMA_M = 50_000.0

_MODE3A = re.compile(r"^[0-7]{4}$")
_ICAO24 = re.compile(r"^[0-9a-f]{6}$")
_CALLSIGN = re.compile(r"^[A-Z0-9 ]{1,8}$")


class PlotError(ValueError):
    """A plot that cannot be a detection of an aircraft; the message says which field and why."""


class Identity(StrEnum):
    """The seven standard identities of DESIGN.md section 4 (STANAG 1241 / APP-6)."""

    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    ASSUMED_FRIEND = "ASSUMED_FRIEND"
    FRIEND = "FRIEND"
    NEUTRAL = "NEUTRAL"
    SUSPECT = "SUSPECT"
    HOSTILE = "HOSTILE"


@dataclass(frozen=True, slots=True)
class Plot:
    """One detection of one aircraft by one sensor, positioned in WGS-84.

    ``sigma_m`` is the one-sigma horizontal position error. ``mode3a`` is the four-digit octal
    SSR code, ``icao24`` the 24-bit Mode S address in lower-case hex, ``iff_mode5`` a valid
    secure IFF reply (only machine formats carry it).
    """

    time: float
    sensor: str
    lat: float
    lon: float
    alt_m: float | None
    sigma_m: float
    mode3a: str | None = None
    icao24: str | None = None
    callsign: str | None = None
    iff_mode5: bool = False

    def __post_init__(self) -> None:
        check_plot(self)


def check_plot(plot: Plot) -> None:
    """Raise PlotError naming the first field that makes ``plot`` impossible."""
    if not math.isfinite(plot.time) or plot.time < 0:
        raise PlotError(f"time {plot.time!r} is not a UNIX time")
    if not plot.sensor or len(plot.sensor) > 64:
        raise PlotError("sensor must be a sensor id of 1 to 64 characters")
    if not (math.isfinite(plot.lat) and -90.0 <= plot.lat <= 90.0):
        raise PlotError(f"latitude {plot.lat!r} is outside -90..90")
    if not (math.isfinite(plot.lon) and -180.0 <= plot.lon <= 180.0):
        raise PlotError(f"longitude {plot.lon!r} is outside -180..180")
    if plot.alt_m is not None and not (math.isfinite(plot.alt_m) and MIN_ALT_M <= plot.alt_m <= MAX_ALT_M):
        raise PlotError(f"altitude {plot.alt_m!r} m is outside {MIN_ALT_M:.0f}..{MAX_ALT_M:.0f} m")
    if not (math.isfinite(plot.sigma_m) and 0.0 < plot.sigma_m <= MAX_SIGMA_M):
        raise PlotError(f"sigma {plot.sigma_m!r} m is outside 0..{MAX_SIGMA_M:.0f} m")
    if plot.mode3a is not None and not _MODE3A.fullmatch(plot.mode3a):
        raise PlotError(f"mode3a {plot.mode3a!r} is not four octal digits")
    if plot.icao24 is not None and not _ICAO24.fullmatch(plot.icao24):
        raise PlotError(f"icao24 {plot.icao24!r} is not six lower-case hexadecimal digits")
    if plot.callsign is not None and not _CALLSIGN.fullmatch(plot.callsign):
        raise PlotError(f"callsign {plot.callsign!r} is not 1 to 8 letters, digits or spaces")


@dataclass(frozen=True, slots=True)
class TrackState:
    """A system track as published: estimate, identity, quality and what it was built from.

    ``sensors`` are the sensors that contributed a plot during the track's life (its provenance);
    ``quality`` is 0 (worst) to 7 (position known to 50 m or better), halving per step.
    """

    track_number: int
    time: float
    lat: float
    lon: float
    alt_m: float | None
    vel_e_mps: float
    vel_n_mps: float
    identity: Identity
    quality: int
    sigma_m: float
    sensors: frozenset[str]
    mode3a: str | None = None
    icao24: str | None = None
    callsign: str | None = None
    updates: int = 0
    first_time: float = 0.0
    deleted: bool = False
    extra: dict[str, str] = field(default_factory=dict, compare=False)
