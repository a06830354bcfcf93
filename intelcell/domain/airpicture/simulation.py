"""Simulated surveillance of known flights: an AWACS on a racetrack orbit, rotating radars, ADS-B.

Truth trajectories (real ADS-B recordings or synthetic flights) go in, time-ordered plots come
out, with the errors of the sensor that made them: missed detections, range and azimuth noise,
clutter, and SSR codes that are sometimes missing. The tracker's evaluation (``bench/``) and the
demo replay (issue 5, item 7) are built on it. Pure: no clock, randomness only from the caller's
``numpy.random.Generator``, so one seed gives one set of plots.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from intelcell.domain.airpicture.geo import LocalFrame, from_ecef, to_ecef
from intelcell.domain.airpicture.model import MAX_ALT_M, MIN_ALT_M, Plot
from intelcell.domain.airpicture.sensor import Orbit, Sensor, SensorKind

Array = npt.NDArray[np.float64]

EARTH_RADIUS_M = 6_371_008.8
# Standard atmospheric refraction bends radar beams as if the Earth were a third larger.
EFFECTIVE_EARTH_RADIUS_M = EARTH_RADIUS_M * 4 / 3
FOOT_M = 0.3048
MODE_C_STEP_M = 25 * FOOT_M  # Mode C and ADS-B barometric altitude come in 25 ft steps

_ICAO24 = re.compile(r"^[0-9a-f]{6}$")
_CALLSIGN = re.compile(r"^[A-Z0-9 ]{1,8}$")
_SQUAWK = re.compile(r"^[0-7]{4}$")
# Grid cells (scans x aircraft) simulated at once: bounds memory for long runs of many aircraft.
_CHUNK_CELLS = 250_000


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One aircraft's true flight: its identity and WGS-84 positions at increasing UNIX times."""

    icao24: str
    callsign: str | None
    squawk: str | None
    times: Array
    lat: Array
    lon: Array
    alt_m: Array

    def __post_init__(self) -> None:
        if not _ICAO24.match(self.icao24):
            raise ValueError(f"icao24 {self.icao24!r} is not six lower-case hexadecimal digits")
        if self.callsign is not None and not _CALLSIGN.match(self.callsign):
            raise ValueError(f"{self.icao24}: callsign {self.callsign!r} is not 1 to 8 letters, digits or spaces")
        if self.squawk is not None and not _SQUAWK.match(self.squawk):
            raise ValueError(f"{self.icao24}: squawk {self.squawk!r} is not four octal digits")
        n = len(self.times)
        if n == 0 or any(len(a) != n for a in (self.lat, self.lon, self.alt_m)):
            raise ValueError(f"{self.icao24}: times, lat, lon and alt_m must be non-empty and of one length")
        if n > 1 and not np.all(np.diff(self.times) > 0):
            raise ValueError(f"{self.icao24}: times must increase strictly")

    @property
    def mode3a(self) -> str | None:
        """The SSR Mode 3/A code the aircraft replies with (its squawk)."""
        return self.squawk

    @property
    def start(self) -> float:
        """Time of the first sample."""
        return float(self.times[0])

    @property
    def end(self) -> float:
        """Time of the last sample."""
        return float(self.times[-1])


@dataclass(frozen=True)
class SimulatedSensor:
    """How a registered sensor behaves in simulation: scan period, coverage, detection, SSR and clutter.

    Rotating radars (``SensorKind.AWACS`` and ``RADAR``) sweep clockwise from
    ``start_azimuth_deg`` at UNIX time 0 and once per ``period_s``; an ADS-B receiver hears each
    aircraft of ``equipped`` (all when None) every ``period_s`` at a phase of its own.
    ``ssr_probability`` is the chance that a radar detection carries the Mode 3/A code and the
    Mode C altitude; ``clutter_per_scan`` the mean number of false plots per radar scan.
    """

    sensor: Sensor
    period_s: float = 10.0
    max_range_m: float = 400_000.0
    pd: float = 0.9
    ssr_probability: float = 0.95
    clutter_per_scan: float = 0.0
    start_azimuth_deg: float = 0.0
    equipped: frozenset[str] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.sensor.kind == SensorKind.SYSTEM:
            raise ValueError(f"sensor {self.sensor.id}: system tracks cannot be simulated as plots")
        if not (self.period_s > 0 and self.max_range_m > 0 and 0 <= self.pd <= 1 and 0 <= self.ssr_probability <= 1):
            raise ValueError(f"sensor {self.sensor.id}: period, range and probabilities are out of bounds")
        if self.clutter_per_scan < 0:
            raise ValueError(f"sensor {self.sensor.id}: clutter_per_scan must not be negative")


class _Fleet:
    """All trajectories packed in one sorted array, so positions of many aircraft interpolate at once."""

    def __init__(self, trajectories: Sequence[Trajectory]) -> None:
        self.trajectories = list(trajectories)
        self.n = len(self.trajectories)
        lengths = np.array([len(t.times) for t in self.trajectories], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.last = self.first + lengths - 1
        self.times = np.concatenate([np.asarray(t.times, float) for t in self.trajectories])
        self.lat = np.concatenate([np.asarray(t.lat, float) for t in self.trajectories])
        # Unwrapped longitudes interpolate across the antimeridian; they are wrapped back on output.
        self.lon = np.concatenate([np.unwrap(np.asarray(t.lon, float), period=360.0) for t in self.trajectories])
        self.alt = np.concatenate([np.asarray(t.alt_m, float) for t in self.trajectories])
        self.t0 = float(self.times.min())
        # Aircraft index times a span longer than the data, plus the time: one key sorts all samples.
        self.span = float(self.times.max() - self.t0) + 1.0
        owner = np.repeat(np.arange(self.n), lengths)
        self.keys = owner * self.span + (self.times - self.t0)

    def at(
        self, index: npt.NDArray[np.int64], times: Array, max_gap_s: float
    ) -> tuple[Array, Array, Array, npt.NDArray[np.bool_]]:
        """Interpolated lat, lon, alt (NaN where absent) and a validity mask for aircraft at times."""
        index = np.asarray(index, dtype=np.int64)
        times = np.asarray(times, dtype=float)
        valid = (times >= self.times[self.first[index]]) & (times <= self.times[self.last[index]])
        key = index * self.span + (np.clip(times, self.t0, None) - self.t0)
        j = np.searchsorted(self.keys, key, side="right") - 1
        j = np.clip(j, self.first[index], np.maximum(self.last[index] - 1, self.first[index]))
        j1 = np.minimum(j + 1, self.last[index])
        dt = self.times[j1] - self.times[j]
        # At a sample itself the position is known even if a long gap follows it.
        valid &= (dt <= max_gap_s) | (times == self.times[j]) | (times == self.times[j1])
        w = np.where(dt > 0, (times - self.times[j]) / np.where(dt > 0, dt, 1.0), 0.0)
        w = np.clip(w, 0.0, 1.0)
        lat = self.lat[j] + w * (self.lat[j1] - self.lat[j])
        lon = self.lon[j] + w * (self.lon[j1] - self.lon[j])
        lon = (lon + 180.0) % 360.0 - 180.0
        alt = self.alt[j] + w * (self.alt[j1] - self.alt[j])
        nan = np.where(valid, 0.0, np.nan)
        return lat + nan, lon + nan, alt + nan, valid


def interpolate(
    trajectory: Trajectory, times: Array | Sequence[float], max_gap_s: float = 60.0
) -> tuple[Array, Array, Array, npt.NDArray[np.bool_]]:
    """Latitude, longitude, altitude of ``trajectory`` at ``times`` and where it is defined there.

    Outside the recording, or between two samples more than ``max_gap_s`` apart, the aircraft is
    not known: its position is NaN and the mask False.
    """
    t = np.asarray(times, dtype=float)
    lat, lon, alt, valid = _Fleet([trajectory]).at(np.zeros(t.shape, dtype=np.int64), t, max_gap_s)
    return lat, lon, alt, valid


def orbit_position(orbit: Orbit, times: Array | Sequence[float] | float) -> tuple[Array, Array, Array]:
    """Latitude, longitude and altitude of an aircraft flying ``orbit`` at UNIX ``times``.

    The racetrack is two legs of ``leg_m`` along ``heading_deg``, joined by half circles of
    diameter ``width_m`` turned clockwise; the aircraft is at the start of the first leg at time 0.
    """
    t = np.asarray(times, dtype=float)
    r, leg = orbit.width_m / 2, orbit.leg_m
    s = np.mod(orbit.speed_mps * t, 2 * leg + 2 * math.pi * r)
    # u along the heading, v to its right, from the racetrack's centre.
    turn1, leg2, turn2 = leg, leg + math.pi * r, 2 * leg + math.pi * r
    a1 = (s - turn1) / r if r > 0 else np.zeros_like(s)
    a2 = (s - turn2) / r if r > 0 else np.zeros_like(s)
    u = np.select(
        [s < turn1, s < leg2, s < turn2],
        [-leg / 2 + s, leg / 2 + r * np.sin(a1), leg / 2 - (s - leg2)],
        -leg / 2 - r * np.sin(a2),
    )
    v = np.select(
        [s < turn1, s < leg2, s < turn2], [np.full_like(s, -r), -r * np.cos(a1), np.full_like(s, r)], r * np.cos(a2)
    )
    h = math.radians(orbit.heading_deg)
    east, north = u * math.sin(h) + v * math.cos(h), u * math.cos(h) - v * math.sin(h)
    lat, lon, _ = LocalFrame(orbit.lat, orbit.lon).to_wgs84(east, north, np.zeros_like(east))
    return np.asarray(lat), np.asarray(lon), np.full_like(np.asarray(lat, dtype=float), orbit.alt_m)


def sensor_position(sensor: Sensor, times: Array | Sequence[float] | float) -> tuple[Array, Array, Array]:
    """Where ``sensor`` is at ``times``: on its orbit if it has one, else at its site."""
    t = np.asarray(times, dtype=float)
    if sensor.orbit is not None:
        return orbit_position(sensor.orbit, t)
    return np.full(t.shape, sensor.lat), np.full(t.shape, sensor.lon), np.full(t.shape, sensor.alt_m)


def radar_horizon_m(site_alt_m: Array | float, target_alt_m: Array | float) -> Array:
    """Longest line of sight between two heights over a 4/3 Earth radius (standard refraction)."""
    hs = np.maximum(np.asarray(site_alt_m, dtype=float), 0.0)
    ht = np.maximum(np.asarray(target_alt_m, dtype=float), 0.0)
    return np.asarray(np.sqrt(2 * EFFECTIVE_EARTH_RADIUS_M * hs) + np.sqrt(2 * EFFECTIVE_EARTH_RADIUS_M * ht))


def _enu_basis(lat: Array, lon: Array) -> tuple[Array, Array, Array]:
    """East, north and up unit vectors in Earth-centred coordinates, shape (3, n), at positions."""
    la, lo = np.radians(lat), np.radians(lon)
    sla, cla, slo, clo = np.sin(la), np.cos(la), np.sin(lo), np.cos(lo)
    east = np.stack([-slo, clo, np.zeros_like(lo)])
    north = np.stack([-sla * clo, -sla * slo, cla])
    up = np.stack([cla * clo, cla * slo, sla])
    return east, north, up


@dataclass
class _Polar:
    """Site-relative geometry of targets: slant range, azimuth, elevation and the site's frame."""

    rho: Array
    theta: Array
    elevation: Array
    site: Array
    basis: tuple[Array, Array, Array]

    def take(self, k: npt.NDArray[np.intp]) -> _Polar:
        """The geometry of the targets at positions ``k``."""
        e, n, u = self.basis
        return _Polar(self.rho[k], self.theta[k], self.elevation[k], self.site[:, k], (e[:, k], n[:, k], u[:, k]))


def _polar(site: tuple[Array, Array, Array], target: tuple[Array, Array, Array]) -> _Polar:
    """Slant range (m), azimuth (radians from north, clockwise) and elevation of targets from sites."""
    s = np.array(to_ecef(*site))
    d = np.array(to_ecef(*target)) - s
    basis = _enu_basis(site[0], site[1])
    e, n, u = ((b * d).sum(axis=0) for b in basis)
    rho = np.sqrt(e**2 + n**2 + u**2)
    return _Polar(rho, np.mod(np.arctan2(e, n), 2 * np.pi), np.arcsin(u / np.maximum(rho, 1e-9)), s, basis)


def _from_polar(p: _Polar, rho: Array, theta: Array) -> tuple[Array, Array, Array]:
    """WGS-84 positions at a measured slant range and azimuth, at the true elevation.

    The elevation stands for the altitude a Mode C reply or a 3-D radar gives: the position error
    is then the range and azimuth noise alone, which is what ``sigma_m`` describes.
    """
    ground, up = rho * np.cos(p.elevation), rho * np.sin(p.elevation)
    e, n = ground * np.sin(theta), ground * np.cos(theta)
    ecef = p.site + p.basis[0] * e + p.basis[1] * n + p.basis[2] * up
    lat, lon, alt = from_ecef(ecef[0], ecef[1], ecef[2])
    return np.asarray(lat), np.asarray(lon), np.asarray(alt)


@dataclass
class _Columns:
    """Plots of one sensor as columns, merged and sorted before ``Plot`` objects are made."""

    time: Array
    lat: Array
    lon: Array
    alt: Array  # NaN: no altitude reported
    sigma: Array
    mode3a: list[str | None]
    icao24: list[str | None]
    callsign: list[str | None]


def _visible(sim: SimulatedSensor, p: _Polar, site_alt: Array, target_alt: Array) -> npt.NDArray[np.bool_]:
    """Targets within the sensor's range and above its radar horizon."""
    return np.asarray((p.rho <= sim.max_range_m) & (p.rho <= radar_horizon_m(site_alt, target_alt)))


def _mode_c(alt: Array) -> Array:
    """Barometric altitude as reported: rounded to 25 ft and kept within what a plot may carry."""
    return np.clip(np.round(alt / MODE_C_STEP_M) * MODE_C_STEP_M, MIN_ALT_M, MAX_ALT_M)


def _rotating_radar(
    fleet: _Fleet, sim: SimulatedSensor, start: float, end: float, rng: np.random.Generator, max_gap_s: float
) -> _Columns:
    """Plots of a rotating radar: each target is seen once per scan, when the beam points at it."""
    sensor, period = sim.sensor, sim.period_s
    scans = _scan_times(sim, start, end)
    az0 = math.radians(sim.start_azimuth_deg)
    out: list[_Columns] = []
    per_chunk = max(1, _CHUNK_CELLS // max(fleet.n, 1))
    for c in range(0, len(scans), per_chunk):
        scan = scans[c : c + per_chunk]
        t_scan = np.repeat(scan, fleet.n)
        idx = np.tile(np.arange(fleet.n, dtype=np.int64), len(scan))
        # The beam meets a target when it reaches the target's azimuth: guess it from mid-scan,
        # then look again where the target is at that instant (it moves a few degrees at most).
        t_hit = t_scan + period / 2
        frac = np.full(t_scan.shape, 0.5)
        for _ in range(2):
            lat, lon, alt, valid = fleet.at(idx, t_hit, max_gap_s)
            geom = _polar(sensor_position(sensor, t_hit), (lat, lon, alt))
            new = np.mod(geom.theta - az0, 2 * np.pi) / (2 * np.pi)
            # Near the beam's start a target may cross into the next scan; keep the first guess there.
            frac = np.where(valid & (np.abs(new - frac) < 0.5), new, frac)
            t_hit = t_scan + frac * period
        site = sensor_position(sensor, t_hit)
        lat, lon, alt, valid = fleet.at(idx, t_hit, max_gap_s)
        geom = _polar(site, (lat, lon, alt))
        draw = rng.random(t_hit.shape)
        ssr_draw = rng.random(t_hit.shape)
        seen = valid & (t_hit >= start) & (t_hit < end) & (draw < sim.pd)
        seen &= _visible(sim, geom, site[2], np.nan_to_num(alt, nan=-1e9))
        k = np.flatnonzero(seen)
        sub = geom.take(k)
        rho = sub.rho + rng.normal(0.0, sensor.range_sigma_m, k.size)
        theta = sub.theta + np.radians(rng.normal(0.0, sensor.azimuth_sigma_deg, k.size))
        plat, plon, _ = _from_polar(sub, np.maximum(rho, 1.0), theta)
        ssr = ssr_draw[k] < sim.ssr_probability
        squawks = [fleet.trajectories[i].squawk for i in idx[k]]
        out.append(
            _Columns(
                time=t_hit[k],
                lat=plat,
                lon=plon,
                alt=np.where(ssr, _mode_c(alt[k]), np.nan),
                sigma=_polar_sigma(sub.rho, sensor),
                mode3a=[q if s else None for q, s in zip(squawks, ssr.tolist(), strict=True)],
                icao24=[None] * k.size,
                callsign=[None] * k.size,
            )
        )
        if sim.clutter_per_scan > 0:
            out.append(_clutter(sim, scan, start, end, rng))
    return _concat(out)


def _polar_sigma(rho: Array, sensor: Sensor) -> Array:
    """``geo.polar_sigma_m`` over arrays: the larger of range and cross-range one-sigma errors."""
    return np.asarray(np.maximum(sensor.range_sigma_m, rho * math.radians(sensor.azimuth_sigma_deg)))


def _clutter(sim: SimulatedSensor, scans: Array, start: float, end: float, rng: np.random.Generator) -> _Columns:
    """False plots spread evenly over the coverage disc, reported as the beam sweeps past them."""
    counts = rng.poisson(sim.clutter_per_scan, len(scans))
    n = int(counts.sum())
    theta = rng.uniform(0.0, 2 * np.pi, n)
    ground = sim.max_range_m * np.sqrt(rng.random(n))  # uniform over the disc's area
    t = (
        np.repeat(scans, counts)
        + np.mod(theta - math.radians(sim.start_azimuth_deg), 2 * np.pi) / (2 * np.pi) * sim.period_s
    )
    site = sensor_position(sim.sensor, t)
    s = np.array(to_ecef(*site))
    geom = _Polar(ground, theta, np.zeros(n), s, _enu_basis(site[0], site[1]))
    lat, lon, _ = _from_polar(geom, ground, theta)
    keep = (t >= start) & (t < end)
    m = int(keep.sum())
    return _Columns(
        time=t[keep],
        lat=lat[keep],
        lon=lon[keep],
        alt=np.full(m, np.nan),
        sigma=_polar_sigma(ground[keep], sim.sensor),
        mode3a=[None] * m,
        icao24=[None] * m,
        callsign=[None] * m,
    )


def _adsb(
    fleet: _Fleet, sim: SimulatedSensor, start: float, end: float, rng: np.random.Generator, max_gap_s: float
) -> _Columns:
    """ADS-B reports: each equipped aircraft's own position, with its address and callsign."""
    sensor, period = sim.sensor, sim.period_s
    equipped = np.array(
        [sim.equipped is None or t.icao24 in sim.equipped for t in fleet.trajectories], dtype=bool
    ).reshape(fleet.n)
    phase = rng.random(fleet.n) * period  # transponders are not synchronised with each other
    ticks = np.arange(math.floor(start / period) - 1, math.ceil(end / period) + 1) * period
    out: list[_Columns] = []
    per_chunk = max(1, _CHUNK_CELLS // max(fleet.n, 1))
    for c in range(0, len(ticks), per_chunk):
        tick = ticks[c : c + per_chunk]
        idx = np.tile(np.arange(fleet.n, dtype=np.int64), len(tick))
        t = np.repeat(tick, fleet.n) + phase[idx]
        lat, lon, alt, valid = fleet.at(idx, t, max_gap_s)
        draw = rng.random(t.shape)
        site = sensor_position(sensor, t)
        geom = _polar(site, (lat, lon, alt))
        seen = valid & equipped[idx] & (t >= start) & (t < end) & (draw < sim.pd)
        seen &= _visible(sim, geom, site[2], np.nan_to_num(alt, nan=-1e9))
        k = np.flatnonzero(seen)
        north, east = rng.normal(0.0, sensor.sigma_m, (2, k.size))
        plat = lat[k] + np.degrees(north / EARTH_RADIUS_M)
        plon = lon[k] + np.degrees(east / (EARTH_RADIUS_M * np.cos(np.radians(lat[k]))))
        out.append(
            _Columns(
                time=t[k],
                lat=np.clip(plat, -90.0, 90.0),
                lon=(plon + 180.0) % 360.0 - 180.0,
                alt=_mode_c(alt[k]),
                sigma=np.full(k.size, sensor.sigma_m),
                mode3a=[None] * k.size,
                icao24=[fleet.trajectories[i].icao24 for i in idx[k]],
                callsign=[fleet.trajectories[i].callsign for i in idx[k]],
            )
        )
    return _concat(out)


def _concat(parts: Sequence[_Columns]) -> _Columns:
    """One column set from several."""
    if not parts:
        empty = np.zeros(0)
        return _Columns(empty, empty, empty, empty, empty, [], [], [])
    return _Columns(
        time=np.concatenate([p.time for p in parts]),
        lat=np.concatenate([p.lat for p in parts]),
        lon=np.concatenate([p.lon for p in parts]),
        alt=np.concatenate([p.alt for p in parts]),
        sigma=np.concatenate([p.sigma for p in parts]),
        mode3a=[x for p in parts for x in p.mode3a],
        icao24=[x for p in parts for x in p.icao24],
        callsign=[x for p in parts for x in p.callsign],
    )


def observe(
    trajectories: Sequence[Trajectory],
    sensors: Sequence[SimulatedSensor],
    start: float,
    end: float,
    rng: np.random.Generator,
    max_gap_s: float = 60.0,
) -> list[Plot]:
    """Plots the sensors make of the trajectories between ``start`` and ``end``, sorted by time.

    Sensors are simulated in the order given, each drawing from ``rng``, so the same trajectories,
    sensors and seed give the same plots. An aircraft is not seen where its trajectory has a gap
    longer than ``max_gap_s``.
    """
    if end <= start:
        return []
    fleet = _Fleet(trajectories) if trajectories else None
    parts: list[_Columns] = []
    names: list[str] = []
    for sim in sensors:
        if sim.sensor.kind == SensorKind.ADSB:
            cols = _adsb(fleet, sim, start, end, rng, max_gap_s) if fleet else _concat([])
        elif fleet is not None:
            cols = _rotating_radar(fleet, sim, start, end, rng, max_gap_s)
        else:
            cols = _concat([_clutter(sim, _scan_times(sim, start, end), start, end, rng)])
        parts.append(cols)
        names.extend([sim.sensor.id] * len(cols.time))
    cols = _concat(parts)
    order = np.argsort(cols.time, kind="stable")
    alt = [None if math.isnan(a) else a for a in cols.alt[order].tolist()]
    return [
        Plot(
            time=t,
            sensor=names[i],
            lat=la,
            lon=lo,
            alt_m=a,
            sigma_m=s,
            mode3a=cols.mode3a[i],
            icao24=cols.icao24[i],
            callsign=cols.callsign[i],
        )
        for i, t, la, lo, a, s in zip(
            order.tolist(),
            cols.time[order].tolist(),
            cols.lat[order].tolist(),
            cols.lon[order].tolist(),
            alt,
            cols.sigma[order].tolist(),
            strict=True,
        )
    ]


def _scan_times(sim: SimulatedSensor, start: float, end: float) -> Array:
    """Times at which the sensor's beam starts a scan, covering ``start`` to ``end``."""
    return np.arange(math.floor(start / sim.period_s), math.ceil(end / sim.period_s), dtype=float) * sim.period_s


def coverage(
    trajectories: Sequence[Trajectory],
    sensors: Sequence[SimulatedSensor],
    times: Array | Sequence[float],
    max_gap_s: float = 60.0,
) -> npt.NDArray[np.bool_]:
    """Whether each aircraft (rows) is within range and line of sight of some sensor at each time (columns).

    ADS-B receivers count only for equipped aircraft. This is the truth a tracker can be asked to
    hold: aircraft no sensor can see are not held against it.
    """
    t = np.asarray(times, dtype=float)
    fleet = _Fleet(trajectories)
    idx = np.repeat(np.arange(fleet.n, dtype=np.int64), t.size)
    tt = np.tile(t, fleet.n)
    lat, lon, alt, valid = fleet.at(idx, tt, max_gap_s)
    seen = np.zeros(tt.shape, dtype=bool)
    for sim in sensors:
        site = sensor_position(sim.sensor, tt)
        ok = _visible(sim, _polar(site, (lat, lon, alt)), site[2], np.nan_to_num(alt, nan=-1e9))
        if sim.sensor.kind == SensorKind.ADSB and sim.equipped is not None:
            ok &= np.array([tr.icao24 in sim.equipped for tr in fleet.trajectories])[idx]
        seen |= ok
    return (seen & valid).reshape(fleet.n, t.size)


def synthetic_trajectories(
    count: int,
    centre_lat: float,
    centre_lon: float,
    half_width_m: float,
    start: float,
    duration_s: float,
    rng: np.random.Generator,
    step_s: float = 1.0,
    turning_share: float = 0.5,
) -> list[Trajectory]:
    """``count`` aircraft over a square of side ``2 * half_width_m``: straight flights and turning ones.

    Each flies at 120 to 260 m/s and 3,000 to 12,000 m; a ``turning_share`` of them make one turn
    of 1 to 3 degrees per second lasting 30 to 90 s at a random moment (the manoeuvres a
    constant-velocity tracker must survive).
    """
    frame = LocalFrame(centre_lat, centre_lon)
    t = np.arange(0.0, duration_s + step_s / 2, step_s)
    east0, north0 = rng.uniform(-half_width_m, half_width_m, (2, count))
    heading0 = rng.uniform(0.0, 2 * np.pi, count)
    speed = rng.uniform(120.0, 260.0, count)
    alt = rng.uniform(3_000.0, 12_000.0, count)
    turning = rng.random(count) < turning_share
    rate = np.radians(rng.uniform(1.0, 3.0, count)) * rng.choice([-1.0, 1.0], count) * turning
    turn_start = rng.uniform(0.0, max(duration_s - 30.0, 0.0), count)
    turn_length = rng.uniform(30.0, 90.0, count)
    # Heading rate per step, integrated: the aircraft turns only inside its turn window.
    in_turn = (t[None, :] >= turn_start[:, None]) & (t[None, :] < (turn_start + turn_length)[:, None])
    heading = heading0[:, None] + np.cumsum(np.where(in_turn, rate[:, None], 0.0) * step_s, axis=1)
    heading = np.concatenate([heading0[:, None], heading[:, :-1]], axis=1)
    east = (
        east0[:, None]
        + np.cumsum(speed[:, None] * np.sin(heading) * step_s, axis=1)
        - speed[:, None] * np.sin(heading[:, :1]) * step_s
    )
    north = (
        north0[:, None]
        + np.cumsum(speed[:, None] * np.cos(heading) * step_s, axis=1)
        - speed[:, None] * np.cos(heading[:, :1]) * step_s
    )
    lat, lon, _ = frame.to_wgs84(east.ravel(), north.ravel(), np.zeros(east.size))
    lat, lon = np.asarray(lat).reshape(east.shape), np.asarray(lon).reshape(east.shape)
    return [
        Trajectory(
            icao24=f"{0x3C0000 + i:06x}",
            callsign=f"SIM{i:04d}"[:8],
            squawk=f"{i % 4096:04o}",
            times=start + t,
            lat=lat[i],
            lon=lon[i],
            alt_m=np.full(t.size, alt[i]),
        )
        for i in range(count)
    ]
