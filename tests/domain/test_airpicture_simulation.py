"""The surveillance simulation: radars see what they should, when the beam passes, with the configured errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.domain.airpicture.geo import LocalFrame, distance_m, polar_sigma_m
from intelcell.domain.airpicture.sensor import Orbit, Sensor, SensorKind
from intelcell.domain.airpicture.simulation import (
    SimulatedSensor,
    Trajectory,
    coverage,
    interpolate,
    observe,
    orbit_position,
    radar_horizon_m,
    synthetic_trajectories,
)

T0 = 1_633_608_000.0  # a whole multiple of every scan period used here
SITE = (48.85, 2.35, 100.0)
FRAME = LocalFrame(SITE[0], SITE[1])


def parked(east_m: float, north_m: float, alt_m: float, n: int = 0, minutes: float = 60.0) -> Trajectory:
    """An aircraft held still at a position relative to the radar site (a target that does not move)."""
    lat, lon, _ = FRAME.to_wgs84(east_m, north_m, 0.0)
    times = np.arange(T0 - 60, T0 + minutes * 60 + 60, 30.0)  # samples closer than the 60 s gap limit
    return Trajectory(
        icao24=f"{0xA00000 + n:06x}",
        callsign=f"TEST{n:02d}",
        squawk=f"{(n + 1) % 4096:04o}",
        times=times,
        lat=np.full(times.size, float(lat)),
        lon=np.full(times.size, float(lon)),
        alt_m=np.full(times.size, alt_m),
    )


def at(range_m: float, azimuth_deg: float, alt_m: float = 9_000.0, n: int = 0) -> Trajectory:
    """An aircraft held at a ground range and azimuth from the site."""
    a = math.radians(azimuth_deg)
    return parked(range_m * math.sin(a), range_m * math.cos(a), alt_m, n)


def radar(**kw: object) -> SimulatedSensor:
    """A ground radar at the site: 6 s period, 250 km, 50 m and 0.1 degrees of noise unless told."""
    sensor = Sensor("radar-1", "FRA", SensorKind.RADAR, SITE[0], SITE[1], SITE[2], 100.0,
                    range_sigma_m=float(kw.pop("range_sigma_m", 50.0)),  # type: ignore[arg-type]
                    azimuth_sigma_deg=float(kw.pop("azimuth_sigma_deg", 0.1)))  # type: ignore[arg-type]  # fmt: skip
    options: dict[str, object] = {"period_s": 6.0, "max_range_m": 250_000.0, "pd": 1.0}
    options.update(kw)
    return SimulatedSensor(sensor, **options)  # type: ignore[arg-type]


def adsb(**kw: object) -> SimulatedSensor:
    """An ADS-B receiver at the site reporting every second with 30 m of error."""
    sensor = Sensor("adsb-1", "FRA", SensorKind.ADSB, SITE[0], SITE[1], SITE[2], 30.0)
    options: dict[str, object] = {"period_s": 1.0, "max_range_m": 400_000.0, "pd": 1.0}
    options.update(kw)
    return SimulatedSensor(sensor, **options)  # type: ignore[arg-type]


def ring(count: int, range_m: float = 100_000.0, alt_m: float = 9_000.0) -> list[Trajectory]:
    """Aircraft evenly spread in azimuth at one range, far enough apart to tell their plots apart."""
    return [at(range_m, 360.0 * i / count, alt_m, n=i) for i in range(count)]


def nearest(plots_en: np.ndarray, targets_en: np.ndarray) -> np.ndarray:
    """Index of the nearest target of each plot."""
    d = np.hypot(plots_en[0][:, None] - targets_en[0][None, :], plots_en[1][:, None] - targets_en[1][None, :])
    return np.asarray(d.argmin(axis=1))


def enu(lats: list[float], lons: list[float]) -> np.ndarray:
    """East and north (m) of positions in the site frame."""
    return FRAME.to_enu(np.array(lats), np.array(lons), 0.0)[:2]


# --- Trajectories -----------------------------------------------------------------------------


def test_interpolation_is_linear_between_samples_and_undefined_across_a_long_gap() -> None:
    tr = Trajectory("abc123", "AFR1", "1000", np.array([0.0, 10.0, 100.0]), np.array([48.0, 48.1, 48.2]),
                    np.array([2.0, 2.2, 2.4]), np.array([1000.0, 2000.0, 3000.0]))  # fmt: skip
    lat, lon, alt, ok = interpolate(tr, [5.0, 50.0, -1.0, 10.0])
    assert ok.tolist() == [True, False, False, True]
    assert lat[0] == pytest.approx(48.05) and lon[0] == pytest.approx(2.1) and alt[0] == pytest.approx(1500.0)
    assert np.isnan(lat[1]) and np.isnan(lat[2])
    assert lat[3] == pytest.approx(48.1)


def test_trajectory_refuses_times_that_do_not_increase() -> None:
    with pytest.raises(ValueError, match="increase"):
        Trajectory("abc123", None, None, np.array([0.0, 0.0]), np.zeros(2), np.zeros(2), np.zeros(2))


# --- The AWACS orbit --------------------------------------------------------------------------


def test_awacs_flies_its_racetrack_at_its_speed_and_comes_back() -> None:
    orbit = Orbit(49.8, 0.9, 9_000.0, 45.0, 100_000.0, 30_000.0, 180.0)
    period = (2 * orbit.leg_m + math.pi * orbit.width_m) / orbit.speed_mps
    t = np.arange(0.0, period, 1.0)
    lat, lon, alt = orbit_position(orbit, t)
    steps = [distance_m(lat[i], lon[i], lat[i + 1], lon[i + 1]) for i in range(len(t) - 1)]
    assert np.median(steps) == pytest.approx(orbit.speed_mps, rel=0.01)
    assert max(steps) < orbit.speed_mps * 1.01
    assert (
        max(distance_m(orbit.lat, orbit.lon, a, b) for a, b in zip(lat, lon, strict=True))
        <= (orbit.leg_m / 2 + orbit.width_m / 2) * 1.01
    )
    back = orbit_position(orbit, [0.0, period])
    assert distance_m(back[0][0], back[1][0], back[0][1], back[1][1]) < 1.0
    assert np.all(alt == orbit.alt_m)


# --- Rotating radars --------------------------------------------------------------------------


def test_probability_of_detection_is_honoured() -> None:
    targets = ring(40)
    plots = observe(targets, [radar(pd=0.7)], T0, T0 + 600, np.random.default_rng(1))
    opportunities = 40 * 100  # 40 aircraft, 100 scans of 6 s
    share = len(plots) / opportunities
    assert share == pytest.approx(0.7, abs=3 * math.sqrt(0.7 * 0.3 / opportunities))


def test_range_and_azimuth_errors_have_the_configured_sigma() -> None:
    targets = ring(24, range_m=120_000.0, alt_m=3_000.0)
    sim = radar(range_sigma_m=150.0, azimuth_sigma_deg=0.2)
    plots = observe(targets, [sim], T0, T0 + 1_800, np.random.default_rng(2))
    p = enu([x.lat for x in plots], [x.lon for x in plots])
    true = enu([t.lat[0] for t in targets], [t.lon[0] for t in targets])
    k = nearest(p, true)
    radial_unit = true[:, k] / np.hypot(*true[:, k])
    d = p - true[:, k]
    radial = (d * radial_unit).sum(axis=0)
    cross = radial_unit[0] * d[1] - radial_unit[1] * d[0]
    assert abs(radial.mean()) < 15 and abs(cross.mean()) < 40
    assert radial.std() == pytest.approx(150.0, rel=0.1)
    assert cross.std() == pytest.approx(120_000.0 * math.radians(0.2), rel=0.1)


def test_plot_sigma_is_the_polar_sigma_at_the_target_range() -> None:
    targets = [at(40_000.0, 30.0, n=0), at(200_000.0, 200.0, n=1)]
    sim = radar()
    plots = observe(targets, [sim], T0, T0 + 60, np.random.default_rng(3))
    near = [p.sigma_m for p in plots if distance_m(SITE[0], SITE[1], p.lat, p.lon) < 100_000]
    far = [p.sigma_m for p in plots if distance_m(SITE[0], SITE[1], p.lat, p.lon) > 100_000]
    assert near and far
    # Slant range, as a radar measures it: the aircraft fly 8.9 km above the site.
    assert near[0] == pytest.approx(polar_sigma_m(math.hypot(40_000.0, 8_900.0), 50.0, 0.1), rel=0.01)
    assert far[0] == pytest.approx(polar_sigma_m(math.hypot(200_000.0, 8_900.0), 50.0, 0.1), rel=0.01)


@settings(max_examples=40, deadline=None)
@given(range_km=st.floats(5.0, 400.0), alt_m=st.floats(0.0, 12_000.0))
def test_nothing_is_seen_beyond_range_or_below_the_radar_horizon(range_km: float, alt_m: float) -> None:
    limit = min(250_000.0, float(radar_horizon_m(SITE[2], alt_m)))
    slant = math.hypot(range_km * 1000, alt_m - SITE[2])
    # Right at the edge the Earth's curvature decides; the property is about clear cases.
    if abs(slant - limit) < 0.03 * limit:
        return
    plots = observe([at(range_km * 1000, 60.0, alt_m)], [radar()], T0, T0 + 60, np.random.default_rng(0))
    assert len(plots) == (10 if slant < limit else 0)


def test_a_low_aircraft_far_away_is_below_the_horizon_but_a_high_one_is_seen() -> None:
    low, high = at(150_000.0, 10.0, alt_m=300.0, n=0), at(150_000.0, 100.0, alt_m=9_000.0, n=1)
    plots = observe([low, high], [radar()], T0, T0 + 60, np.random.default_rng(0))
    assert {p.mode3a for p in plots} <= {high.squawk, None}
    assert len(plots) == 10


@settings(max_examples=30, deadline=None)
@given(azimuth=st.floats(0.0, 359.0), start_azimuth=st.floats(0.0, 359.0), period=st.sampled_from([6.0, 10.0, 12.0]))
def test_a_target_is_detected_when_the_beam_points_at_it(azimuth: float, start_azimuth: float, period: float) -> None:
    plots = observe([at(80_000.0, azimuth)], [radar(period_s=period, start_azimuth_deg=start_azimuth)], T0,
                    T0 + 10 * period, np.random.default_rng(0))  # fmt: skip
    assert len(plots) >= 9
    expected = ((azimuth - start_azimuth) % 360.0) / 360.0 * period
    for p in plots:
        offset = (p.time - T0) % period
        # The same instant seen from either side of the scan boundary.
        assert min(abs(offset - expected), period - abs(offset - expected)) < 1e-6 * period + 1e-3


def test_detection_times_within_a_scan_follow_azimuth_clockwise() -> None:
    targets = [at(80_000.0, az, n=i) for i, az in enumerate((10.0, 100.0, 190.0, 280.0))]
    plots = observe(targets, [radar(period_s=10.0)], T0, T0 + 10, np.random.default_rng(0))
    assert [p.mode3a for p in plots] == [t.squawk for t in targets]
    assert [round(p.time - T0, 3) for p in plots] == pytest.approx([10 / 36, 100 / 36, 190 / 36, 280 / 36], abs=0.01)


def test_ssr_code_and_mode_c_come_with_the_configured_probability() -> None:
    plots = observe(ring(30), [radar(ssr_probability=0.6)], T0, T0 + 600, np.random.default_rng(4))
    with_code = [p for p in plots if p.mode3a is not None]
    assert len(with_code) / len(plots) == pytest.approx(0.6, abs=0.05)
    assert all((p.mode3a is None) == (p.alt_m is None) for p in plots)
    assert all(p.icao24 is None and p.callsign is None for p in plots)


def test_clutter_is_spread_over_the_coverage_without_codes() -> None:
    sim = radar(clutter_per_scan=20.0)
    plots = observe([], [sim], T0, T0 + 600, np.random.default_rng(5))
    assert len(plots) == pytest.approx(20 * 100, rel=0.1)
    assert all(p.alt_m is None and p.mode3a is None for p in plots)
    assert max(distance_m(SITE[0], SITE[1], p.lat, p.lon) for p in plots) <= 250_000.0 * 1.001


def test_the_awacs_sees_from_its_orbit() -> None:
    orbit = Orbit(49.8, 0.9, 9_000.0, 45.0, 100_000.0, 30_000.0, 180.0)
    awacs = Sensor("awacs-1", "NATO", SensorKind.AWACS, orbit.lat, orbit.lon, orbit.alt_m, 200.0, orbit=orbit)
    # Paris is 150 km from the orbit's centre, at least 135 km from the racetrack: out of range.
    paris = at(0.0, 0.0, 9_000.0)
    sim = SimulatedSensor(awacs, period_s=10.0, max_range_m=120_000.0, pd=1.0)
    assert observe([paris], [sim], T0, T0 + 600, np.random.default_rng(0)) == []
    east, north = FRAME.to_enu(orbit.lat, orbit.lon + 0.5, 0.0)[:2]  # 36 km east of the centre
    plots = observe([parked(float(east), float(north), 9_000.0)], [sim], T0, T0 + 600, np.random.default_rng(0))
    assert len(plots) == 60


# --- ADS-B ------------------------------------------------------------------------------------


def test_adsb_reports_each_equipped_aircraft_every_second_with_its_identity() -> None:
    targets = ring(10, range_m=50_000.0)
    equipped = frozenset(t.icao24 for t in targets[:5])
    plots = observe(targets, [adsb(equipped=equipped)], T0, T0 + 120, np.random.default_rng(6))
    assert {p.icao24 for p in plots} == equipped
    assert len(plots) == 5 * 120
    by_address = {t.icao24: t for t in targets}
    assert all(p.callsign == by_address[p.icao24].callsign and p.sigma_m == 30.0 for p in plots if p.icao24)
    p = enu([x.lat for x in plots], [x.lon for x in plots])
    true = enu(
        [by_address[x.icao24].lat[0] for x in plots if x.icao24],
        [by_address[x.icao24].lon[0] for x in plots if x.icao24],
    )
    assert (p - true).std(axis=1) == pytest.approx([30.0, 30.0], rel=0.15)


# --- Whole runs -------------------------------------------------------------------------------


def test_one_seed_gives_the_same_plots_and_another_seed_others() -> None:
    flights = synthetic_trajectories(30, SITE[0], SITE[1], 150_000.0, T0, 120.0, np.random.default_rng(9))
    sensors = [radar(pd=0.9, clutter_per_scan=3.0), adsb(pd=0.95)]
    a = observe(flights, sensors, T0, T0 + 120, np.random.default_rng(7))
    b = observe(flights, sensors, T0, T0 + 120, np.random.default_rng(7))
    c = observe(flights, sensors, T0, T0 + 120, np.random.default_rng(8))
    assert a == b
    assert a != c


def test_plots_come_sorted_by_time_within_the_interval() -> None:
    flights = synthetic_trajectories(50, SITE[0], SITE[1], 200_000.0, T0, 300.0, np.random.default_rng(1))
    plots = observe(flights, [radar(pd=0.9), adsb()], T0 + 30, T0 + 200, np.random.default_rng(2))
    times = [p.time for p in plots]
    assert times == sorted(times)
    assert times[0] >= T0 + 30 and times[-1] < T0 + 200


def test_coverage_says_who_any_sensor_can_see() -> None:
    seen, unseen = at(100_000.0, 0.0, 9_000.0, n=0), at(100_000.0, 90.0, 100.0, n=1)
    covered = coverage([seen, unseen], [radar()], np.array([T0, T0 + 10]))
    assert covered.tolist() == [[True, True], [False, False]]


def test_synthetic_flights_keep_their_speed_and_some_turn() -> None:
    flights = synthetic_trajectories(20, SITE[0], SITE[1], 300_000.0, T0, 120.0, np.random.default_rng(3))
    for f in flights:
        steps = [distance_m(f.lat[i], f.lon[i], f.lat[i + 1], f.lon[i + 1]) for i in range(len(f.times) - 1)]
        assert min(steps) > 115.0 and max(steps) < 265.0
    assert len({f.icao24 for f in flights}) == 20
