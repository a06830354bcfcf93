"""The tracker: one track per aircraft, stable numbers, initiation, deletion, identity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.identity import IdentityRules
from intelcell.domain.airpicture.model import Identity, Plot
from intelcell.domain.airpicture.tracker import Tracker, TrackerConfig, quality

FRAME = LocalFrame(36.0, 43.0)  # over northern Iraq


def plot_at(t: float, east: float, north: float, sensor: str = "awacs", sigma: float = 150.0, **codes: str) -> Plot:
    """A plot at a local east/north position in metres."""
    lat, lon = FRAME.surface_to_wgs84(east, north)
    return Plot(t, sensor, float(lat), float(lon), 9000.0, sigma, **codes)


def straight_flight(
    rng: np.random.Generator, start: tuple[float, float], vel: tuple[float, float], times, sigma, **codes
):
    """Noisy plots of an aircraft flying straight at constant speed."""
    out = []
    for t in times:
        e = start[0] + vel[0] * t + rng.normal(0, sigma)
        n = start[1] + vel[1] * t + rng.normal(0, sigma)
        out.append(plot_at(t, e, n, sigma=sigma, **codes))
    return out


def position_error(state, truth_east: float, truth_north: float) -> float:
    """Distance in metres between a track and a true local position."""
    e, n, _ = FRAME.to_enu(state.lat, state.lon, 0.0)
    return float(np.hypot(e - truth_east, n - truth_north))


def test_one_aircraft_gives_one_track_that_converges_on_its_position_and_velocity():
    rng = np.random.default_rng(7)
    tracker = Tracker(FRAME)
    tracker.process(straight_flight(rng, (-50_000, 20_000), (220.0, -40.0), np.arange(0, 300, 10.0), 150.0))
    (track,) = tracker.tracks()
    assert position_error(track, -50_000 + 220 * 290, 20_000 - 40 * 290) < 200
    # q = 20 m^2/s^3 follows turns; on a straight line the price is a noisier velocity.
    assert track.vel_e_mps == pytest.approx(220, abs=15)
    assert track.vel_n_mps == pytest.approx(-40, abs=15)
    assert track.updates == 30


def test_a_track_is_confirmed_only_after_three_plots():
    tracker = Tracker(FRAME)
    assert tracker.process([plot_at(0, 0, 0), plot_at(10, 2000, 0)]) == []
    (confirmed,) = tracker.process([plot_at(20, 4000, 0)])
    assert confirmed.track_number == 1
    assert confirmed.identity is Identity.PENDING


def test_isolated_false_alarms_never_become_tracks():
    rng = np.random.default_rng(3)
    tracker = Tracker(FRAME)
    for scan in range(30):
        clutter = rng.uniform(-300_000, 300_000, size=(5, 2))
        tracker.process([plot_at(scan * 10.0, e, n) for e, n in clutter])
    assert tracker.tracks() == []


def test_crossing_aircraft_keep_their_track_numbers():
    rng = np.random.default_rng(11)
    times = np.arange(0, 200, 5.0)
    a = straight_flight(rng, (-20_000, 0), (200.0, 0.0), times, 50.0, icao24="aaaaaa")
    b = straight_flight(rng, (0, -20_000), (0.0, 200.0), times, 50.0, icao24="bbbbbb")
    tracker = Tracker(FRAME)
    numbers: dict[str, set[int]] = {"aaaaaa": set(), "bbbbbb": set()}
    for pa, pb in zip(a, b, strict=True):
        for state in tracker.process([pa, pb]):
            numbers[state.icao24].add(state.track_number)
    assert len(tracker.tracks()) == 2
    assert len(numbers["aaaaaa"]) == len(numbers["bbbbbb"]) == 1
    assert numbers["aaaaaa"] != numbers["bbbbbb"]


def test_two_sensors_on_one_aircraft_make_one_track_with_both_in_its_provenance():
    rng = np.random.default_rng(5)
    tracker = Tracker(FRAME)
    for t in np.arange(0, 120, 1.0):
        plots = [
            plot_at(t, 150 * t + rng.normal(0, 30), rng.normal(0, 30), sensor="adsb-1", sigma=30.0, icao24="4ca7b2")
        ]
        if t % 10 == 3:
            plots.append(
                plot_at(t + 0.4, 150 * (t + 0.4) + rng.normal(0, 300), rng.normal(0, 300), sensor="radar-1", sigma=300)
            )
        tracker.process(plots)
    (track,) = tracker.tracks()
    assert track.sensors == {"adsb-1", "radar-1"}
    assert track.identity is Identity.NEUTRAL  # a civil Mode S address
    assert track.quality == 7


def test_adsb_reporting_twice_a_second_gives_one_track():
    tracker = Tracker(FRAME)
    for t in range(0, 30):
        two = [plot_at(t + h, 100.0 * (t + h), 0, sensor="adsb", sigma=30.0, icao24="4ca7b2") for h in (0, 0.5)]
        tracker.process(two)
    (track,) = tracker.tracks()
    assert track.updates == 60


def test_a_plot_near_a_track_that_loses_the_assignment_does_not_start_a_new_track():
    tracker = Tracker(FRAME)
    for t in range(0, 300, 10):
        tracker.process([plot_at(t, 100.0 * t, 0), plot_at(t + 0.2, 100.0 * t + 20, 30)])
    assert len(tracker.tracks()) == 1


def test_a_track_without_plots_is_deleted_after_the_coasting_time_and_reported_once():
    tracker = Tracker(FRAME, TrackerConfig(coast_timeout_s=30))
    tracker.process([plot_at(t, 200.0 * t, 0) for t in (0, 10, 20)])
    assert tracker.advance(45.0) == []
    (gone,) = tracker.advance(51.0)
    assert gone.deleted and gone.track_number == 1
    assert tracker.advance(60.0) == [] and tracker.tracks() == []


def test_time_going_backwards_between_sensors_is_absorbed():
    tracker = Tracker(FRAME)
    tracker.process([plot_at(t, 200.0 * t, 0) for t in (0, 10, 20, 30)])
    (state,) = tracker.process([plot_at(25, 200.0 * 25, 0, sensor="late-radar")])
    assert state.track_number == 1 and state.time == 30


def test_identity_rules_in_order_of_strength():
    rules = IdentityRules(coalition_mode3a=frozenset({"4521"}), hostile_icao24=frozenset({"badbad"}))
    tracker = Tracker(FRAME, TrackerConfig(identity=rules))

    def flight(offset: float, **codes: str) -> Identity:
        start = offset / 1000  # each flight after the previous one: the picture's time moves on
        states = tracker.process([plot_at(start + t, offset, 300.0 * t, **codes) for t in (0, 10, 20, 30, 40)])
        return [s for s in states if not s.deleted][-1].identity

    assert flight(0) is Identity.UNKNOWN  # answered nothing after five plots
    assert flight(50_000, mode3a="4521") is Identity.ASSUMED_FRIEND
    assert flight(100_000, icao24="badbad") is Identity.HOSTILE
    assert flight(150_000, icao24="4ca7b2", mode3a="7500") is Identity.SUSPECT
    assert flight(200_000, icao24="4ca7b3") is Identity.NEUTRAL


def test_an_analyst_identity_overrides_the_rules_until_cleared():
    tracker = Tracker(FRAME)
    (state,) = tracker.process([plot_at(t, 0, 300.0 * t, icao24="4ca7b2") for t in (0, 10, 20)])
    assert state.identity is Identity.NEUTRAL
    assert tracker.set_identity(state.track_number, Identity.HOSTILE).identity is Identity.HOSTILE
    assert tracker.process([plot_at(30, 0, 9000, icao24="4ca7b2")])[0].identity is Identity.HOSTILE
    assert tracker.set_identity(state.track_number, None).identity is Identity.NEUTRAL
    assert tracker.set_identity(999, Identity.FRIEND) is None


def test_secure_iff_reply_makes_a_friend():
    tracker = Tracker(FRAME)
    lat, lon = FRAME.surface_to_wgs84(0.0, 0.0)
    plots = [Plot(t, "awacs", float(lat), float(lon) + t * 1e-4, None, 100.0, iff_mode5=True) for t in (0, 10, 20)]
    (state,) = tracker.process(plots)
    assert state.identity is Identity.FRIEND


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-200_000, 200_000), st.floats(-200_000, 200_000), st.integers(1, 12), st.integers(0, 30)),
        min_size=1,
        max_size=12,
    )
)
def test_live_tracks_never_share_or_change_a_number(flights):
    """Aircraft appear and vanish at random; a live track keeps its number and no two share one."""
    tracker = Tracker(FRAME, TrackerConfig(coast_timeout_s=25))
    seen: dict[int, tuple[float, float]] = {}
    for scan in range(45):
        t = scan * 5.0
        plots = [
            plot_at(t, e + 100.0 * t, n, sigma=50.0)
            for e, n, length, start in flights
            if start <= scan < start + length
        ]
        tracker.process(plots)
        tracker.advance(t)
        live = tracker.tracks()
        numbers = [s.track_number for s in live]
        assert len(numbers) == len(set(numbers))
        for state in live:
            if state.track_number in seen:
                assert seen[state.track_number] == (state.first_time, seen[state.track_number][1])
            seen[state.track_number] = (state.first_time, 0.0)


def test_track_numbers_wrap_but_skip_live_numbers():
    tracker = Tracker(FRAME, next_track_number=65535)
    first = tracker.process([plot_at(t, 0, 200.0 * t) for t in (0, 10, 20)])[0]
    second = tracker.process([plot_at(t, 90_000, 200.0 * t) for t in (21, 22, 23)])[0]
    assert (first.track_number, second.track_number) == (65535, 1)


@given(st.floats(0, 100_000))
def test_quality_falls_as_the_error_grows(sigma):
    assert 0 <= quality(sigma) <= 7
    assert quality(sigma) >= quality(sigma * 2)


def turning_flight(rng, rate_deg_s: float, period_s: float = 10.0, sigma: float = 150.0) -> list[Plot]:
    """An aircraft at 220 m/s that turns 180 degrees at ``rate_deg_s`` from t = 200 s, seen every ``period_s``."""
    east = north = 0.0
    heading, t, step = 90.0, 0.0, 0.1
    plots = []
    for _ in range(60):
        plots.append(plot_at(t, east + rng.normal(0, sigma), north + rng.normal(0, sigma), sigma=sigma))
        for _ in range(round(period_s / step)):
            if 200 <= t < 200 + 180 / rate_deg_s:
                heading += rate_deg_s * step
            east += 220 * step * np.sin(np.radians(heading))
            north += 220 * step * np.cos(np.radians(heading))
            t += step
    return plots


@pytest.mark.parametrize("rate", [3.0, 6.0])
def test_a_turn_between_awacs_scans_keeps_its_track_number_thanks_to_the_manoeuvre_model(rate):
    def broken(config: TrackerConfig) -> int:
        count = 0
        for seed in range(10):
            tracker, numbers = Tracker(FRAME, config), set()
            for plot in turning_flight(np.random.default_rng(seed), rate):
                numbers |= {s.track_number for s in tracker.process([plot])}
            count += len(numbers) > 1
        return count

    assert broken(TrackerConfig()) <= 1
    assert broken(TrackerConfig(max_boost=1.0)) >= 8  # without it the turn breaks the track


def test_a_stale_track_is_deleted_before_it_can_take_a_far_plot():
    tracker = Tracker(FRAME)
    tracker.process([plot_at(t, 200.0 * t, 0) for t in (0, 10, 20)])
    # 200 s later a plot 20 km off the old track's path: a new aircraft, not the old track.
    states = tracker.process([plot_at(220.0, 200.0 * 220, 20_000)])
    assert [(s.track_number, s.deleted) for s in states] == [(1, True)]
    assert tracker.tracks() == []


def test_a_plot_far_behind_the_picture_is_skipped_and_counted():
    tracker = Tracker(FRAME)
    tracker.process([plot_at(t, 200.0 * t, 0) for t in (1000, 1010, 1020)])
    assert tracker.process([plot_at(10.0, 0, 0, sensor="yesterday")]) == []
    assert tracker.late_plots == 1
    (track,) = tracker.tracks()
    assert track.time == 1020 and track.updates == 3
