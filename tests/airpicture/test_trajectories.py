"""Demo truth trajectories: the shipped file loads, a file round-trips, recorded reports are cleaned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from intelcell.airpicture.trajectories import (
    DEMO_TRAJECTORIES,
    busiest_window,
    load_trajectories,
    resample,
    save_trajectories,
    trajectory_from_reports,
)
from intelcell.domain.airpicture.simulation import Trajectory


def flight(icao24: str = "3c6444", start: float = 1_633_615_000.0, seconds: int = 300) -> Trajectory:
    """A straight climbing flight sampled every second."""
    t = start + np.arange(seconds, dtype=float)
    return Trajectory(icao24, "AFR1234", "1000", t, 48.9 + 0.0002 * np.arange(seconds),
                      2.3 + 0.0003 * np.arange(seconds), 3000.0 + 5.0 * np.arange(seconds))  # fmt: skip


def test_the_demo_file_holds_twenty_minutes_of_airborne_aircraft() -> None:
    flights = load_trajectories(DEMO_TRAJECTORIES)
    assert 55 <= len(flights) <= 80
    assert DEMO_TRAJECTORIES.stat().st_size < 400_000
    start, end = min(f.start for f in flights), max(f.end for f in flights)
    assert end - start == pytest.approx(1200.0, abs=4.0)
    assert all(np.all(np.diff(f.times) % 4 == 0) for f in flights)
    assert all(f.alt_m.min() > -500 and f.alt_m.max() < 15_000 for f in flights)
    assert len({f.icao24 for f in flights}) == len(flights)


def test_a_saved_file_loads_back_to_the_same_flights(tmp_path: Path) -> None:
    flights = [flight("3c6444"), flight("4ca1b2", seconds=100)]
    path = tmp_path / "t.csv.gz"
    save_trajectories(flights, path)
    back = {f.icao24: f for f in load_trajectories(path)}
    for f in flights:
        b = back[f.icao24]
        assert (b.callsign, b.squawk) == (f.callsign, f.squawk)
        assert np.allclose(b.times, f.times) and np.allclose(b.lat, f.lat, atol=1e-5)
        assert np.allclose(b.alt_m, f.alt_m, atol=0.5)


def test_repeated_positions_and_spikes_are_dropped() -> None:
    f = flight(seconds=60)
    lat, lon, alt = f.lat.copy(), f.lon.copy(), f.alt_m.copy()
    lat[10] = lat[9]  # a stale fix re-sent with a new time
    lon[10] = lon[9]
    lat[30] += 0.1  # 11 km off: a decoding error
    alt[40] += 3000.0
    cleaned = trajectory_from_reports("3C6444", f.times, lat, lon, alt, ["AFR1234 "] * 60, ["1000"] * 59 + ["nan"])
    assert cleaned is not None
    assert cleaned.icao24 == "3c6444" and cleaned.callsign == "AFR1234" and cleaned.squawk == "1000"
    dropped = set(f.times.tolist()) - set(cleaned.times.tolist())
    assert dropped == {f.times[10], f.times[30], f.times[40]}


def test_resampling_leaves_long_gaps_out() -> None:
    f = flight(seconds=300)
    keep = (np.arange(300) < 100) | (np.arange(300) >= 200)  # a 100 s hole
    holed = Trajectory(f.icao24, f.callsign, f.squawk, f.times[keep], f.lat[keep], f.lon[keep], f.alt_m[keep])
    r = resample(holed, f.start, f.end, 4.0)
    assert r is not None
    assert not np.any((r.times > f.times[99]) & (r.times < f.times[200]))
    assert np.all(np.diff(r.times) % 4 == 0)


def test_the_busiest_window_is_where_most_flights_are() -> None:
    early = [flight(f"a0000{i}", start=1_000_000.0, seconds=600) for i in range(3)]
    late = [flight(f"b0000{i}", start=1_003_600.0, seconds=600) for i in range(5)]
    start = busiest_window(early + late, 10.0)
    assert 1_003_000.0 <= start <= 1_003_660.0
