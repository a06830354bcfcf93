"""Air picture evaluation (issue 5): our tracker beside Stone Soup's GNN tracker on the same plots.

1. **Truth.** The busiest ``--minutes`` of traffic's OpenSky ``quickstart`` recording (213 aircraft
   around Paris, 3 h at 1 s), cleaned by ``intelcell.airpicture.trajectories``: every aircraft
   airborne in the window.
2. **Plots.** ``intelcell.domain.airpicture.simulation.observe``: an AWACS on a racetrack orbit
   150 km north-west of Paris at 9,000 m (10 s rotodome) and a ground radar north of Paris
   (6 s), Pd 0.9, Gaussian range and azimuth noise, ``--clutter`` false plots per scan.
3. **Trackers.** Both get exactly the same plots, one scan per second of plots, positions on the
   same local east-north-up frame at the scenario centre (``LocalFrame.to_enu(lat, lon, 0)``).
   Ours: ``Tracker.process(scan)`` then ``advance(scan end)``. Stone Soup 1.9.1:
   ``MultiTargetTracker`` with a constant-velocity Kalman filter, a per-detection
   ``LinearGaussian`` measurement model from each plot's ``sigma_m``, ``DistanceHypothesiser``
   with a Mahalanobis gate, ``GNNWith2DAssignment``, ``MultiMeasurementInitiator`` and
   ``UpdateTimeDeleter``, tuned like ours (same process noise, gate, confirmation count,
   velocity prior and timeouts; printed in the output).
4. **Metrics, Stone Soup's code as the oracle.** At every ``--eval-step`` seconds (scan ends)
   each live confirmed track's latest estimate is extrapolated at constant velocity to that
   instant, and truth is every aircraft some sensor covers then (range and radar horizon).
   OSPA (c = 2 km, p = 1) and GOSPA (c = 2 km, p = 1, alpha = 2) on 2-D position, averaged over
   time; SIAP completeness, ambiguity, spuriousness, position accuracy, rate of track-number
   changes and longest track segment through ``MultiManager`` with ``TrackToTruth``
   (association threshold 2 km). OSPA is Stone Soup's ``compute_OSPA_distance`` per instant;
   the bench groups states by instant itself because ``OSPAMetric.compute_over_time`` scans all
   states once per instant.
5. **Speed.** CPU (``process_time``) and wall milliseconds per scan for each tracker; the ratio
   and the verdict use CPU time, since the machine is shared. The Stone Soup figure excludes
   building its ``Detection`` objects; ours includes converting plots.
6. **Load.** ``--aircraft`` synthetic aircraft (straight and turning) over a 600 km square, a
   10 s AWACS at its centre and ADS-B from half of them, one scan per second for
   ``--load-seconds``: our CPU time per second of scan and confirmed tracks against aircraft.
   Stone Soup is not run there: extrapolated from the real run, it would need far more than a
   second per one-second scan.

Targets (issue 5): OSPA no worse than Stone Soup's at 20 times its speed per scan or more;
1,000 tracks at one scan per second in under a quarter of one core.

Run from the repository root: ``.venv/bin/python bench/airpicture_eval.py [--minutes 30]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stonesoup.dataassociator.neighbour import GNNWith2DAssignment  # noqa: E402
from stonesoup.dataassociator.tracktotrack import TrackToTruth  # noqa: E402
from stonesoup.deleter.time import UpdateTimeDeleter  # noqa: E402
from stonesoup.hypothesiser.distance import DistanceHypothesiser  # noqa: E402
from stonesoup.initiator.simple import MultiMeasurementInitiator  # noqa: E402
from stonesoup.measures import Euclidean, Mahalanobis  # noqa: E402
from stonesoup.metricgenerator.manager import MultiManager  # noqa: E402
from stonesoup.metricgenerator.ospametric import GOSPAMetric, OSPAMetric  # noqa: E402
from stonesoup.metricgenerator.tracktotruthmetrics import SIAPMetrics  # noqa: E402
from stonesoup.models.measurement.linear import LinearGaussian  # noqa: E402
from stonesoup.models.transition.linear import (  # noqa: E402
    CombinedLinearGaussianTransitionModel,
    ConstantVelocity,
)
from stonesoup.predictor.kalman import KalmanPredictor  # noqa: E402
from stonesoup.tracker.simple import MultiTargetTracker  # noqa: E402
from stonesoup.types.detection import Detection  # noqa: E402
from stonesoup.types.groundtruth import GroundTruthPath, GroundTruthState  # noqa: E402
from stonesoup.types.state import GaussianState, State  # noqa: E402
from stonesoup.types.track import Track  # noqa: E402
from stonesoup.updater.kalman import KalmanUpdater  # noqa: E402

from intelcell.airpicture.trajectories import busiest_window, read_traffic_sample  # noqa: E402
from intelcell.domain.airpicture.geo import LocalFrame  # noqa: E402
from intelcell.domain.airpicture.model import Plot  # noqa: E402
from intelcell.domain.airpicture.sensor import Orbit, Sensor, SensorKind  # noqa: E402
from intelcell.domain.airpicture.simulation import (  # noqa: E402
    SimulatedSensor,
    Trajectory,
    coverage,
    interpolate,
    observe,
    synthetic_trajectories,
)
from intelcell.domain.airpicture.tracker import Tracker, TrackerConfig  # noqa: E402

WHEEL = ROOT / "bench" / ".data" / "wheels" / "traffic-2.13-py3-none-any.whl"
EPOCH = datetime(1970, 1, 1)
PARIS = (48.8566, 2.3522)
C_M, P, ALPHA = 2_000.0, 1, 2
TARGET_SPEEDUP, TARGET_CORE_SHARE = 20.0, 0.25


def when(t: float) -> datetime:
    """Stone Soup's timestamp for a UNIX time (naive UTC, as its examples use)."""
    return EPOCH + timedelta(seconds=t)


def ensure_wheel() -> Path:
    """The traffic 2.13 wheel holding the recording, downloaded without dependencies when absent."""
    if not WHEEL.exists():
        WHEEL.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "traffic==2.13", "-d", str(WHEEL.parent)]
        subprocess.run(cmd, check=True)
    return WHEEL


# --- scenario ---------------------------------------------------------------------------------


def scenario_sensors(clutter: float) -> list[SimulatedSensor]:
    """The AWACS 150 km north-west of Paris and a ground radar north of it."""
    orbit = Orbit(
        lat=49.81, lon=0.88, alt_m=9_000.0, heading_deg=45.0, leg_m=100_000.0, width_m=30_000.0, speed_mps=180.0
    )
    awacs = Sensor(
        "awacs-e3a", "NATO", SensorKind.AWACS, orbit.lat, orbit.lon, orbit.alt_m, sigma_m=250.0,
        range_sigma_m=80.0, azimuth_sigma_deg=0.12, orbit=orbit,
    )  # fmt: skip
    radar = Sensor(
        "radar-fra-1", "FRA", SensorKind.RADAR, 49.05, 2.45, 150.0, sigma_m=150.0,
        range_sigma_m=50.0, azimuth_sigma_deg=0.08,
    )  # fmt: skip
    return [
        SimulatedSensor(awacs, period_s=10.0, max_range_m=400_000.0, pd=0.9, clutter_per_scan=clutter),
        SimulatedSensor(radar, period_s=6.0, max_range_m=250_000.0, pd=0.9, start_azimuth_deg=90.0,
                        clutter_per_scan=clutter),
    ]  # fmt: skip


def scans_of(plots: Sequence[Plot], start: float, end: float) -> list[tuple[float, list[Plot]]]:
    """Plots cut into one-second scans ``[t - 1, t)``, each tagged with its end time ``t``."""
    n = int(np.ceil(end - start))
    out: list[tuple[float, list[Plot]]] = [(start + k + 1, []) for k in range(n)]
    for p in plots:
        out[min(int(p.time - start), n - 1)][1].append(p)
    return out


# --- the two trackers -------------------------------------------------------------------------


@dataclass
class Run:
    """What one tracker produced: estimates at the evaluation instants and its time per scan."""

    name: str
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    # instant -> list of (track id, east, north, v_east, v_north)
    estimates: dict[float, list[tuple[str, float, float, float, float]]] = field(default_factory=dict)


def run_ours(
    frame: LocalFrame, scans: Sequence[tuple[float, list[Plot]]], eval_at: set[float], config: TrackerConfig
) -> Run:
    """Our tracker, scan by scan, timed around ``process`` and ``advance``."""
    tracker = Tracker(frame, config)
    run = Run("intelcell")
    for t, scan in scans:
        w, c = time.perf_counter(), time.process_time()
        tracker.process(scan)
        tracker.advance(t)
        run.cpu_ms.append((time.process_time() - c) * 1e3)
        run.wall_ms.append((time.perf_counter() - w) * 1e3)
        if t in eval_at:
            live = tracker.tracks()
            if live:
                enu = frame.to_enu(np.array([s.lat for s in live]), np.array([s.lon for s in live]), 0.0)
                run.estimates[t] = [
                    (str(s.track_number), e + s.vel_e_mps * (t - s.time), n + s.vel_n_mps * (t - s.time),
                     s.vel_e_mps, s.vel_n_mps)
                    for s, e, n in zip(live, enu[0].tolist(), enu[1].tolist(), strict=True)
                ]  # fmt: skip
            else:
                run.estimates[t] = []
    return run


def stonesoup_components(
    config: TrackerConfig,
) -> tuple[MultiMeasurementInitiator, UpdateTimeDeleter, GNNWith2DAssignment, KalmanUpdater]:
    """Stone Soup's GNN tracker parts, tuned like ours."""  # fmt: skip
    q = config.process_noise
    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    predictor = KalmanPredictor(transition)
    # Each Detection carries its own model; this one only fills the updater's required default.
    default_model = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.diag([250.0**2] * 2))
    updater = KalmanUpdater(default_model)
    gate = float(np.sqrt(config.gate_chi2))
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)
    v = config.init_speed_sigma**2
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, v, 0.0, v])),
        deleter=UpdateTimeDeleter(timedelta(seconds=config.tentative_timeout_s)),
        data_associator=GNNWith2DAssignment(
            DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)
        ),
        updater=updater,
        min_points=config.confirm_hits,
    )
    deleter = UpdateTimeDeleter(timedelta(seconds=config.coast_timeout_s))
    return initiator, deleter, GNNWith2DAssignment(hypothesiser), updater


def to_detections(frame: LocalFrame, scan: Sequence[Plot]) -> set[Detection]:
    """Stone Soup detections of plots in the shared frame, each with its own measurement model."""
    if not scan:
        return set()
    enu = frame.to_enu(np.array([p.lat for p in scan]), np.array([p.lon for p in scan]), 0.0)
    return {
        Detection(
            np.array([[e], [n]]),
            timestamp=when(p.time),
            measurement_model=LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.eye(2) * p.sigma_m**2),
        )
        for p, e, n in zip(scan, enu[0].tolist(), enu[1].tolist(), strict=True)
    }


class _Feed:
    """A detection reader over prepared scans, so Stone Soup's tracker pulls one scan per step."""

    def __init__(self, scans: list[tuple[datetime, set[Detection]]]) -> None:
        self.scans = scans

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.scans)


def run_stonesoup(frame: LocalFrame, scans: Sequence[tuple[float, list[Plot]]], eval_at: set[float],
                  config: TrackerConfig) -> Run:  # fmt: skip
    """Stone Soup's MultiTargetTracker, scan by scan, timed around each tracker step."""
    initiator, deleter, associator, updater = stonesoup_components(config)
    feed = _Feed([(when(t), to_detections(frame, scan)) for t, scan in scans])
    tracker = MultiTargetTracker(
        initiator=initiator, deleter=deleter, detector=feed, data_associator=associator, updater=updater
    )
    run = Run("Stone Soup")
    steps = iter(tracker)
    for t, _ in scans:
        w, c = time.perf_counter(), time.process_time()
        _, tracks = next(steps)
        run.cpu_ms.append((time.process_time() - c) * 1e3)
        run.wall_ms.append((time.perf_counter() - w) * 1e3)
        if t in eval_at:
            out = []
            for track in tracks:
                state = track.state
                dt = t - (state.timestamp - EPOCH).total_seconds()
                x, vx, y, vy = (float(v) for v in np.ravel(state.state_vector))
                out.append((track.id, x + vx * dt, y + vy * dt, vx, vy))
            run.estimates[t] = out
    return run


# --- metrics ----------------------------------------------------------------------------------


def truth_paths(frame: LocalFrame, flights: Sequence[Trajectory], sensors: Sequence[SimulatedSensor],
                instants: np.ndarray) -> set[GroundTruthPath]:  # fmt: skip
    """Ground truth at the evaluation instants, for aircraft some sensor covers then."""
    covered = coverage(flights, sensors, instants)
    paths = set()
    for k, flight in enumerate(flights):
        ts = instants[covered[k]]
        if ts.size == 0:
            continue
        lat, lon, _, ok = interpolate(flight, np.concatenate([ts - 0.5, ts + 0.5]))
        mid_lat, mid_lon, _, ok_mid = interpolate(flight, ts)
        n = ts.size
        ok = ok[:n] & ok[n:] & ok_mid
        a = frame.to_enu(np.nan_to_num(lat), np.nan_to_num(lon), 0.0)
        m = frame.to_enu(np.nan_to_num(mid_lat), np.nan_to_num(mid_lon), 0.0)
        vel = a[:2, n:] - a[:2, :n]
        states = [
            GroundTruthState([m[0, i], vel[0, i], m[1, i], vel[1, i]], timestamp=when(ts[i])) for i in range(n) if ok[i]
        ]
        if states:
            paths.add(GroundTruthPath(states, id=flight.icao24))
    return paths


def as_tracks(run: Run) -> set[Track]:
    """A run's estimates as Stone Soup tracks (one per track id)."""
    states: dict[str, list[State]] = {}
    for t in sorted(run.estimates):
        for tid, e, n, ve, vn in run.estimates[t]:
            states.setdefault(tid, []).append(State([e, ve, n, vn], timestamp=when(t)))
    return {Track(s, id=tid) for tid, s in states.items()}


@dataclass
class Scores:
    """Time-averaged OSPA and GOSPA, SIAP figures, and OSPA over time."""

    ospa: float
    gospa: float
    gospa_missed: float
    gospa_false: float
    siap: dict[str, float]
    ospa_series: list[tuple[float, float]]
    seconds: float


_COMPONENTS: dict[tuple[int, tuple[int, ...]], tuple[float, float]] = {}


class PlaneEuclidean(Euclidean):
    """Stone Soup's Euclidean distance on two mapped components, each state's components read once.

    The metric generators call the measure for every track-truth pair at every instant; reading
    a ``StateVector`` element costs microseconds, so scoring a run would take minutes. The value
    is the same as ``Euclidean`` (``score`` checks it on a sample).
    """

    def __call__(self, state1: State, state2: State) -> float:
        """Distance between the mapped components of two states."""
        a, b = _plane(state1, tuple(self.mapping)), _plane(state2, tuple(self.mapping2))
        return math.hypot(a[0] - b[0], a[1] - b[1])


def _plane(state: State, mapping: tuple[int, ...]) -> tuple[float, float]:
    """The two mapped components of a state, cached for the duration of one scoring."""
    key = (id(state), mapping)
    value = _COMPONENTS.get(key)
    if value is None:
        vector = np.asarray(state.state_vector, dtype=float).ravel()
        value = _COMPONENTS[key] = (float(vector[mapping[0]]), float(vector[mapping[1]]))
    return value


def score(run: Run, truths: set[GroundTruthPath]) -> Scores:
    """OSPA, GOSPA and SIAP of a run against truth with Stone Soup's metric generators."""
    began = time.perf_counter()
    _COMPONENTS.clear()  # keyed by object id: valid only while these tracks and truths live
    tracks = as_tracks(run)
    position = PlaneEuclidean(mapping=(0, 2))
    sample = [(tr[0], th[0]) for tr, th in zip(list(tracks)[:20], list(truths)[:20], strict=False)]
    assert all(abs(position(a, b) - Euclidean(mapping=(0, 2))(a, b)) < 1e-6 for a, b in sample)
    ospa = OSPAMetric(c=C_M, p=P, measure=position)
    gospa = GOSPAMetric(c=C_M, p=P, measure=position)
    siap = SIAPMetrics(position_measure=position, velocity_measure=PlaneEuclidean(mapping=(1, 3)))
    manager = MultiManager([gospa, siap], associator=TrackToTruth(association_threshold=C_M, measure=position))
    try:
        return _scores(manager, ospa, tracks, truths, began)
    finally:
        _COMPONENTS.clear()


def _scores(manager: MultiManager, ospa: OSPAMetric, tracks: set[Track], truths: set[GroundTruthPath],
            began: float) -> Scores:  # fmt: skip
    """Run the generators of ``score`` and gather their figures."""
    manager.add_data({"groundtruth_paths": truths, "tracks": tracks})
    metrics = manager.generate_metrics()
    g_values = [m.value for m in metrics["gospa_generator"]["GOSPA Metrics"].value]
    s = metrics["siap_generator"]
    siap_values = {
        "completeness": s["SIAP Completeness"].value,
        "ambiguity": s["SIAP Ambiguity"].value,
        "spuriousness": s["SIAP Spuriousness"].value,
        "position accuracy m": s["SIAP Position Accuracy"].value,
        "velocity accuracy m/s": s["SIAP Velocity Accuracy"].value,
        "track-number changes /s": s["SIAP Rate of Track Number Change"].value,
        "longest segment": s["SIAP Longest Track Segment"].value,
    }
    # OSPA per instant with Stone Soup's distance; grouping by instant done here (see docstring).
    by_time_tracks: dict[datetime, list[State]] = {}
    by_time_truth: dict[datetime, list[State]] = {}
    for track in tracks:
        for st in track:
            by_time_tracks.setdefault(st.timestamp, []).append(st)
    for path in truths:
        for st in path:
            by_time_truth.setdefault(st.timestamp, []).append(st)
    series = []
    for t in sorted(set(by_time_tracks) | set(by_time_truth)):
        d = ospa.compute_OSPA_distance(by_time_tracks.get(t, []), by_time_truth.get(t, []))
        series.append(((t - EPOCH).total_seconds(), float(d.value)))
    return Scores(
        ospa=float(np.mean([v for _, v in series])),
        gospa=float(np.mean([v["distance"] for v in g_values])),
        # Each missed truth or false track costs c^p / alpha: dividing gives counts.
        gospa_missed=float(np.mean([v["missed"] for v in g_values])) / (C_M**P / ALPHA),
        gospa_false=float(np.mean([v["false"] for v in g_values])) / (C_M**P / ALPHA),
        siap={k: float(v) for k, v in siap_values.items()},
        ospa_series=series,
        seconds=time.perf_counter() - began,
    )


# --- load test --------------------------------------------------------------------------------


@dataclass
class Load:
    """The load test's figures."""

    aircraft: int
    seconds: int
    plots: int
    cpu_ms: list[float]
    wall_ms: list[float]
    confirmed: int
    held: int
    covered: int


def load_test(aircraft: int, seconds: int, seed: int, config: TrackerConfig) -> Load:
    """Our tracker on ``aircraft`` synthetic flights, one scan per second, CPU time per scan."""
    rng = np.random.default_rng(seed + 1)
    start = 1_700_000_000.0
    centre = PARIS
    flights = synthetic_trajectories(aircraft, centre[0], centre[1], 300_000.0, start, seconds, rng)
    orbit = Orbit(centre[0], centre[1], 9_000.0, 90.0, 100_000.0, 30_000.0, 180.0)
    awacs = Sensor("awacs-load", "NATO", SensorKind.AWACS, centre[0], centre[1], 9_000.0, 250.0,
                   range_sigma_m=80.0, azimuth_sigma_deg=0.12, orbit=orbit)  # fmt: skip
    adsb = Sensor("adsb-load", "FRA", SensorKind.ADSB, centre[0], centre[1], 200.0, sigma_m=30.0)
    sensors = [
        SimulatedSensor(awacs, period_s=10.0, max_range_m=450_000.0, pd=0.9),
        SimulatedSensor(adsb, period_s=1.0, max_range_m=500_000.0, pd=0.98,
                        equipped=frozenset(f.icao24 for f in flights[::2])),
    ]  # fmt: skip
    plots = observe(flights, sensors, start, start + seconds, rng)
    frame = LocalFrame(*centre)
    tracker = Tracker(frame, config)
    cpu, wall = [], []
    for t, scan in scans_of(plots, start, start + seconds):
        w, c = time.perf_counter(), time.process_time()
        tracker.process(scan)
        tracker.advance(t)
        cpu.append((time.process_time() - c) * 1e3)
        wall.append((time.perf_counter() - w) * 1e3)
    end = start + seconds
    live = tracker.tracks()
    covered = coverage(flights, sensors, np.array([end]))[:, 0]
    # Aircraft held: a live track within c = 2 km of its true position (extrapolated to the end).
    held = 0
    if live:
        est = frame.to_enu(np.array([s.lat for s in live]), np.array([s.lon for s in live]), 0.0)[:2]
        est = est + np.array(
            [[s.vel_e_mps * (end - s.time) for s in live], [s.vel_n_mps * (end - s.time) for s in live]]
        )
        lat = np.array([f.lat[-1] for f in flights])
        lon = np.array([f.lon[-1] for f in flights])
        true = frame.to_enu(lat, lon, 0.0)[:2]
        dist = np.hypot(true[0][:, None] - est[0][None, :], true[1][:, None] - est[1][None, :])
        held = int((dist.min(axis=1) < C_M).sum())
    return Load(aircraft, seconds, len(plots), cpu, wall, len(live), held, int(covered.sum()))


# --- report -----------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """95th percentile."""
    return float(np.percentile(values, 95)) if values else float("nan")


def row(
    label: str, ours: float, theirs: float, fmt: str = "{:.3f}", ratio: Callable[[float, float], str] | None = None
) -> str:
    """One summary line: ours, Stone Soup's and their ratio."""
    r = ratio(ours, theirs) if ratio else (f"{ours / theirs:.2f}" if theirs else "-")
    return f"  {label:<28} {fmt.format(ours):>12} {fmt.format(theirs):>12} {r:>10}"


def where_lost(ours: Scores, theirs: Scores, minutes_per_bin: float = 5.0) -> list[str]:
    """OSPA over time in bins, ours beside Stone Soup's."""
    lines = []
    a = np.array(ours.ospa_series)
    b = dict(theirs.ospa_series)
    t0 = a[0, 0]
    edges = np.arange(t0, a[-1, 0] + 1, minutes_per_bin * 60)
    for lo in edges:
        sel = (a[:, 0] >= lo) & (a[:, 0] < lo + minutes_per_bin * 60)
        if not sel.any():
            continue
        ss = [b[t] for t in a[sel, 0] if t in b]
        lines.append(
            f"  {(lo - t0) / 60:5.0f}-{(lo - t0) / 60 + minutes_per_bin:<3.0f} min  ours {a[sel, 1].mean():7.1f} m"
            f"   Stone Soup {np.mean(ss) if ss else float('nan'):7.1f} m"
        )
    return lines


def main() -> None:
    """Run the evaluation and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the real-traffic window")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--aircraft", type=int, default=1000, help="aircraft in the load test")
    parser.add_argument("--load-seconds", type=int, default=120)
    parser.add_argument("--clutter", type=float, default=0.0, help="mean false plots per radar scan")
    parser.add_argument("--eval-step", type=int, default=5, help="seconds between metric instants")
    parser.add_argument(
        "--tune",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a TrackerConfig number for both trackers, e.g. --tune process_noise=20",
    )
    parser.add_argument("--skip-stonesoup", action="store_true", help="score ours only (no speed ratio)")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()

    config = TrackerConfig()
    for item in args.tune:
        name, _, value = item.partition("=")
        config = dataclasses.replace(config, **{name: type(getattr(config, name))(value)})
    began = time.perf_counter()
    flights_all = read_traffic_sample(ensure_wheel())
    start = busiest_window(flights_all, args.minutes)
    end = start + args.minutes * 60
    # Aircraft flying in the window: present at some instant, not merely recorded before and after it.
    window = np.arange(start, end + 1, 10.0)
    flights = [f for f in flights_all if f.end > start and f.start < end and interpolate(f, window)[3].any()]
    sensors = scenario_sensors(args.clutter)
    rng = np.random.default_rng(args.seed)
    plots = observe(flights, sensors, start, end, rng)
    lat0 = float(np.mean([np.mean(f.lat) for f in flights]))
    lon0 = float(np.mean([np.mean(f.lon) for f in flights]))
    frame = LocalFrame(lat0, lon0)
    scans = scans_of(plots, start, end)
    instants = np.arange(start + args.eval_step, end + 0.5, args.eval_step)
    eval_at = set(instants.tolist())
    truths = truth_paths(frame, flights, sensors, instants)
    by_sensor = {s.sensor.id: sum(p.sensor == s.sensor.id for p in plots) for s in sensors}
    print(f"truth: {len(flights)} aircraft airborne in {args.minutes:.0f} min from UNIX {start:.0f} "
          f"({len(truths)} ever covered); plots: {len(plots)} {by_sensor}; frame at {lat0:.3f}, {lon0:.3f}; "
          f"set-up {time.perf_counter() - began:.1f} s")  # fmt: skip
    print(f"tuning (both): q = {config.process_noise} m^2/s^3 constant-velocity, gate chi2 {config.gate_chi2} "
          f"(Mahalanobis {np.sqrt(config.gate_chi2):.1f}), confirm after {config.confirm_hits} plots, "
          f"velocity prior sigma {config.init_speed_sigma} m/s, tentative timeout {config.tentative_timeout_s} s, "
          f"coast timeout {config.coast_timeout_s} s; scans of 1 s; clutter {args.clutter}/scan")  # fmt: skip

    ours = run_ours(frame, scans, eval_at, config)
    ours_scores = score(ours, truths)
    print(f"ours: {np.mean(ours.wall_ms):.2f} ms/scan; scored in {ours_scores.seconds:.0f} s")
    theirs = theirs_scores = None
    if not args.skip_stonesoup:
        theirs = run_stonesoup(frame, scans, eval_at, config)
        theirs_scores = score(theirs, truths)
        print(f"Stone Soup: {np.mean(theirs.wall_ms):.2f} ms/scan; scored in {theirs_scores.seconds:.0f} s")
    load = None if args.skip_load else load_test(args.aircraft, args.load_seconds, args.seed, config)

    print()
    print(f"Air picture evaluation: {len(scans)} scans of 1 s, seed {args.seed}")
    print(f"  {'':<28} {'intelcell':>12} {'Stone Soup':>12} {'ratio':>10}")
    nan = float("nan")
    t = theirs_scores
    print(row("OSPA mean (m)", ours_scores.ospa, t.ospa if t else nan, "{:.1f}"))
    print(row("GOSPA mean", ours_scores.gospa, t.gospa if t else nan, "{:.1f}"))
    print(row("  GOSPA missed (count)", ours_scores.gospa_missed, t.gospa_missed if t else nan, "{:.2f}"))
    print(row("  GOSPA false (count)", ours_scores.gospa_false, t.gospa_false if t else nan, "{:.2f}"))
    for key, value in ours_scores.siap.items():
        print(row(f"SIAP {key}", value, t.siap[key] if t else nan, "{:.4f}" if "/s" in key else "{:.3f}"))
    if theirs:
        print(row("ms/scan mean (wall)", float(np.mean(ours.wall_ms)), float(np.mean(theirs.wall_ms)), "{:.2f}"))
        print(row("ms/scan p95 (wall)", p95(ours.wall_ms), p95(theirs.wall_ms), "{:.2f}"))
        print(row("ms/scan mean (CPU)", float(np.mean(ours.cpu_ms)), float(np.mean(theirs.cpu_ms)), "{:.2f}"))
        print(row("ms/scan p95 (CPU)", p95(ours.cpu_ms), p95(theirs.cpu_ms), "{:.2f}"))
        # CPU time is the verdict: the machine is shared, and wall time counts other processes' turns.
        speedup = float(np.mean(theirs.cpu_ms)) / float(np.mean(ours.cpu_ms))
        speedup_p95 = p95(theirs.cpu_ms) / p95(ours.cpu_ms)
        speedup_wall = float(np.mean(theirs.wall_ms)) / float(np.mean(ours.wall_ms))
        print(
            f"  speed-up (Stone Soup / ours), CPU: mean {speedup:.1f}x, p95 {speedup_p95:.1f}x; "
            f"wall mean {speedup_wall:.1f}x"
        )
        ok_ospa = ours_scores.ospa <= theirs_scores.ospa if theirs_scores else False
        print(f"  target OSPA no worse than Stone Soup's: {'MET' if ok_ospa else 'NOT MET'} "
              f"({ours_scores.ospa:.1f} m vs {theirs_scores.ospa if theirs_scores else nan:.1f} m)")  # fmt: skip
        print(f"  target 20x Stone Soup's speed per scan: {'MET' if speedup >= TARGET_SPEEDUP else 'NOT MET'} "
              f"({speedup:.1f}x)")  # fmt: skip
    if load:
        cpu_per_s = sum(load.cpu_ms) / 1e3 / load.seconds
        steady = load.cpu_ms[len(load.cpu_ms) // 2 :]
        print(f"  load: {load.aircraft} aircraft, {load.seconds} scans of 1 s, {load.plots} plots "
              f"(10 s AWACS, ADS-B from half)")  # fmt: skip
        print(f"    CPU per second of scan: {cpu_per_s:.3f} s (second half {np.mean(steady) / 1e3:.3f} s); "
              f"ms/scan mean {np.mean(load.cpu_ms):.1f}, p95 {p95(load.cpu_ms):.1f} (CPU), "
              f"p95 {p95(load.wall_ms):.1f} (wall)")  # fmt: skip
        print(f"    confirmed tracks {load.confirmed} for {load.aircraft} aircraft "
              f"({load.covered} covered at the end); {load.held} aircraft with a track within 2 km")  # fmt: skip
        verdict = "MET" if cpu_per_s < TARGET_CORE_SHARE else "NOT MET"
        print(f"    target under {TARGET_CORE_SHARE} s CPU per second: {verdict}")
        if theirs:
            n_tracks = np.mean([len(v) for v in theirs.estimates.values()]) or 1.0
            per = float(np.mean(theirs.cpu_ms))
            print(f"    Stone Soup not run here: {per:.0f} ms/scan at {n_tracks:.0f} tracks; at {load.aircraft} tracks "
                  f"at least {per * load.aircraft / n_tracks / 1e3:.1f} s per 1 s scan (linear), "
                  f"~{per * (load.aircraft / n_tracks) ** 2 / 1e3:.0f} s if its track x detection hypothesising "
                  f"dominates")  # fmt: skip
    if theirs_scores:
        print()
        print("OSPA over time (5-minute bins):")
        print("\n".join(where_lost(ours_scores, theirs_scores)))
    print(f"\ntotal {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
