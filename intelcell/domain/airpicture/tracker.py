"""The multi-sensor tracker: constant-velocity Kalman filters, gating, global nearest neighbour.

Plots of all sensors come in time order. They are cut into windows of ``batch_window_s`` and,
within a window, into one batch per sensor, so one sensor never gives a track two plots at once.
For each batch:

1. every live track is predicted to the batch time and compared with every plot by the
   Mahalanobis distance of the innovation (each plot carries its own sigma);
2. pairs outside the chi-square gate are dropped; the rest split into independent clusters and
   each cluster is solved as a minimum-cost assignment (global nearest neighbour), confirmed
   tracks first, then tentative ones;
3. assigned tracks get an exact Kalman update at their plot's own time;
4. a plot no track claimed, and not inside any track's gate, starts a tentative track;
   a tentative track becomes a system track after ``confirm_hits`` plots.

State vectors live in numpy arrays indexed by slot, so one batch over 1,000 tracks is a few array
operations rather than a Python loop per track. System track numbers are given at confirmation,
from 1 to 65535 (ASTERIX I062/040), and a number is never given again while its track lives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.identity import Evidence, IdentityRules, identify
from intelcell.domain.airpicture.model import Identity, Plot, TrackState

MAX_TRACK_NUMBER = 65535
_H_IDX = np.array([0, 1])  # position components of the state [east, north, v_east, v_north]


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Tuning of the tracker; the defaults suit AWACS and ground radars with ADS-B."""

    # White-noise acceleration spectral density q, m^2/s^3. Tuned on 30 minutes of real traffic
    # (bench/airpicture_eval.py): q 4 -> 20 took OSPA from 332 m to 213 m, turns no longer break tracks.
    process_noise: float = 20.0
    gate_chi2: float = 16.0  # Mahalanobis gate on 2-D innovations (p ~ 0.9997)
    init_speed_sigma: float = 250.0  # velocity uncertainty of a one-plot track, m/s
    confirm_hits: int = 3
    tentative_timeout_s: float = 16.0  # a little over an AWACS rotation, so a second scan can confirm
    coast_timeout_s: float = 25.0  # 45 s left a lost track coasting beside its successor (OSPA 213 -> 175 m)
    max_sigma_m: float = 8_000.0  # a track whose position error grows beyond this is dropped
    batch_window_s: float = 1.0
    altitude_gain: float = 0.5
    # Manoeuvre handling (adjustable process noise): an innovation beyond this chi-square value
    # (99 % on two degrees of freedom) multiplies the track's q by manoeuvre_boost, up to
    # max_boost; each quiet update halves the multiplier back towards 1.
    manoeuvre_nis: float = 9.21
    manoeuvre_boost: float = 4.0
    max_boost: float = 50.0
    late_horizon_s: float = 30.0  # plots older than this behind the picture's newest time are skipped
    identity: IdentityRules = field(default_factory=IdentityRules)


@dataclass(slots=True)
class _Meta:
    """What a slot knows besides its state vector: codes, provenance, identity evidence."""

    first_time: float
    hits: int = 1
    track_number: int = 0  # 0 while tentative
    sensors: set[str] = field(default_factory=set)
    mode3a: str | None = None
    icao24: str | None = None
    callsign: str | None = None
    mode5: bool = False
    analyst: Identity | None = None
    identity: Identity = Identity.PENDING


class Tracker:
    """A recognized-air-picture tracker in one local frame (see the module docstring)."""

    def __init__(self, frame: LocalFrame, config: TrackerConfig | None = None, *, next_track_number: int = 1) -> None:
        self.frame = frame
        self.config = config or TrackerConfig()
        cap = 256
        self._x = np.zeros((cap, 4))
        self._p = np.zeros((cap, 4, 4))
        self._t = np.zeros(cap)
        self._alt = np.full(cap, np.nan)
        self._addr = np.full(cap, -1, dtype=np.int64)  # Mode S address of the track, -1 if none
        self._boost = np.ones(cap)  # process-noise multiplier while the track manoeuvres
        self._used = np.zeros(cap, dtype=bool)
        self._confirmed = np.zeros(cap, dtype=bool)
        self._meta: dict[int, _Meta] = {}
        self._by_number: dict[int, int] = {}
        self._next_number = max(1, min(next_track_number, MAX_TRACK_NUMBER))
        self.latest_time = 0.0
        self.late_plots = 0  # plots skipped because they came later than late_horizon_s

    # -- public interface -------------------------------------------------------------------

    def process(self, plots: Iterable[Plot]) -> list[TrackState]:
        """Run plots (any sensors, any order within the call) and return the tracks they changed.

        Before each window, tracks silent for too long are deleted (so a stale track never takes
        a plot), and plots older than ``late_horizon_s`` behind the picture are skipped (counted
        in ``late_plots``): retrodicting a live track that far would corrupt it.
        """
        ordered = sorted(plots, key=lambda p: p.time)
        horizon = self.latest_time - self.config.late_horizon_s
        late = sum(1 for p in ordered if p.time < horizon)
        self.late_plots += late
        ordered = ordered[late:]
        changed: dict[int, None] = {}
        deleted: list[TrackState] = []
        start = 0
        while start < len(ordered):
            window_end = ordered[start].time + self.config.batch_window_s
            expired, freed = self._expire(ordered[start].time)
            deleted += expired
            for slot in freed:
                changed.pop(slot, None)
            stop = start
            while stop < len(ordered) and ordered[stop].time < window_end:
                stop += 1
            by_sensor: dict[str, list[Plot]] = {}
            for plot in ordered[start:stop]:
                by_sensor.setdefault(plot.sensor, []).append(plot)
            for sensor_plots in sorted(by_sensor.values(), key=lambda b: b[0].time):
                for batch in _one_report_per_address(sensor_plots):
                    for slot in self._process_batch(batch):
                        changed[slot] = None
            start = stop
        states = deleted + self._states([slot for slot in changed if self._confirmed[slot]])
        if ordered:
            states += self.advance(ordered[-1].time)
        return states

    def advance(self, now: float) -> list[TrackState]:
        """Drop tracks not updated for too long at time ``now``; return the deleted system tracks."""
        return self._expire(now)[0]

    def _expire(self, now: float) -> tuple[list[TrackState], list[int]]:
        """Delete stale tracks at ``now``: the deleted system tracks' last states, and all freed slots."""
        self.latest_time = max(self.latest_time, now)
        cfg = self.config
        age = self.latest_time - self._t
        growth = cfg.process_noise * np.maximum(age, 0) ** 3 / 3  # position variance added while coasting
        sigma = np.sqrt(np.maximum(self._p[:, 0, 0], self._p[:, 1, 1]) + growth)
        stale_confirmed = self._used & self._confirmed & ((age > cfg.coast_timeout_s) | (sigma > cfg.max_sigma_m))
        stale_tentative = self._used & ~self._confirmed & (age > cfg.tentative_timeout_s)
        deleted = [replace(state, deleted=True) for state in self._states(np.flatnonzero(stale_confirmed).tolist())]
        freed = np.flatnonzero(stale_confirmed | stale_tentative).tolist()
        for slot in freed:
            self._free(slot)
        return deleted, freed

    def tracks(self) -> list[TrackState]:
        """The live system tracks (confirmed), in track-number order."""
        return self._states([slot for _, slot in sorted(self._by_number.items())])

    def set_identity(self, track_number: int, identity: Identity | None) -> TrackState | None:
        """Record an analyst's identity for a live track (None clears it); None if no such track."""
        slot = self._by_number.get(track_number)
        if slot is None:
            return None
        meta = self._meta[slot]
        meta.analyst = identity
        meta.identity = self._identify(meta)
        return self._state(slot)

    @property
    def next_track_number(self) -> int:
        """The number the next confirmed track will be offered first."""
        return self._next_number

    # -- one batch -------------------------------------------------------------------------

    def _process_batch(self, batch: Sequence[Plot]) -> list[int]:
        """Associate and update one sensor's plots of one window; return the slots touched."""
        t = np.array([p.time for p in batch])
        enu = self.frame.to_enu(
            np.array([p.lat for p in batch]), np.array([p.lon for p in batch]), np.zeros(len(batch))
        )
        z = enu[:2].T.copy()
        r = np.array([p.sigma_m for p in batch]) ** 2
        addr = np.array([-1 if p.icao24 is None else int(p.icao24, 16) for p in batch], dtype=np.int64)
        self.latest_time = max(self.latest_time, float(t.max()))
        free = np.ones(len(batch), dtype=bool)
        gated = np.zeros(len(batch), dtype=bool)
        touched: list[int] = []
        # Confirmed tracks first; then confirmed tracks that got nothing, with the manoeuvre
        # model (q raised to its maximum: a turn between two AWACS scans can take an aircraft
        # kilometres off its straight line); then tentative tracks.
        for confirmed, manoeuvre in ((True, False), (True, True), (False, False)):
            slots = np.flatnonzero(self._used & (self._confirmed == confirmed))
            if manoeuvre:
                slots = np.setdiff1d(slots, touched)
            cols = np.flatnonzero(free)
            if len(slots) == 0 or len(cols) == 0:
                continue
            boost = np.full(len(slots), self.config.max_boost) if manoeuvre else None
            pairs, in_gate = self._assign(slots, t[cols], z[cols], r[cols], addr[cols], boost)
            if not manoeuvre:
                gated[cols] |= in_gate
            for slot, col in pairs:
                plot_index = int(cols[col])
                free[plot_index] = False
                touched.append(int(slot))
            if pairs:
                rows = np.array([slot for slot, _ in pairs])
                idx = cols[np.array([col for _, col in pairs])]
                if manoeuvre:
                    self._boost[rows] = self.config.max_boost
                self._update(rows, t[idx], z[idx], r[idx], [batch[int(i)] for i in idx])
        # A plot inside some track's gate that lost the assignment is that track's second report
        # or a near neighbour: starting a track on it would make a duplicate.
        # Two unclaimed plots of one batch within three sigma of each other are one aircraft seen
        # twice (a split plot): only the first starts a track.
        started: list[int] = []
        for i in np.flatnonzero(free & ~gated).tolist():
            if started:
                near = np.sum((z[started] - z[i]) ** 2, axis=1) < 9 * (r[started] + r[i])
                if near.any():
                    continue
            started.append(i)
            self._start(batch[i], float(t[i]), z[i], float(r[i]))
        return touched

    def _assign(
        self,
        slots: np.ndarray,
        t: np.ndarray,
        z: np.ndarray,
        r: np.ndarray,
        addr: np.ndarray,
        boost: np.ndarray | None = None,
    ) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Global nearest neighbour between ``slots`` and plots; also which plots fell in any gate.

        ``boost`` replaces the tracks' process-noise multipliers (the manoeuvre pass).
        """
        tb = float(t.mean())
        dt = tb - self._t[slots]
        q = self._q(slots) if boost is None else self.config.process_noise * boost
        x, p = _predict(self._x[slots], self._p[slots], dt, q)
        # Each plot at its own time: shift the predicted position by velocity times the offset.
        off = t - tb
        ex = x[:, 0:1] + x[:, 2:3] * off[None, :] - z[None, :, 0]
        ny = x[:, 1:2] + x[:, 3:4] * off[None, :] - z[None, :, 1]
        a = p[:, 0, 0][:, None] + r[None, :]
        c = p[:, 1, 1][:, None] + r[None, :]
        b = p[:, 0, 1][:, None]
        det = a * c - b * b
        d2 = (c * ex * ex - 2 * b * ex * ny + a * ny * ny) / det
        inside = d2 < self.config.gate_chi2
        # A Mode S address is the aircraft's own: a plot never joins a track of another address.
        track_addr = self._addr[slots][:, None]
        inside &= (track_addr < 0) | (addr[None, :] < 0) | (track_addr == addr[None, :])
        in_gate = inside.any(axis=0)
        rows, cols = np.nonzero(inside)
        if len(rows) == 0:
            return [], in_gate
        cost = d2[rows, cols] + np.log(det[rows, cols])
        pairs = _gnn(rows, cols, cost, inside.shape)
        return [(int(slots[i]), j) for i, j in pairs], in_gate

    def _q(self, slots: np.ndarray) -> np.ndarray:
        """Each slot's process noise: the configured q, raised while the track manoeuvres."""
        return self.config.process_noise * self._boost[slots]

    def _update(self, slots: np.ndarray, t: np.ndarray, z: np.ndarray, r: np.ndarray, plots: list[Plot]) -> None:
        """Kalman update of each slot with its plot, predicted exactly to the plot's time."""
        # A plot older than the track's last update (another sensor's, late) is applied by
        # retrodiction: back to the plot's time, update, forward again.
        dt = t - self._t[slots]
        q = self._q(slots)
        x, p = _predict(self._x[slots], self._p[slots], dt, q)
        s = p[:, :2, :2] + r[:, None, None] * np.eye(2)
        s_inv = np.linalg.inv(s)
        gain = p[:, :, :2] @ s_inv
        innovation = z - x[:, :2]
        nis = np.einsum("ni,nij,nj->n", innovation, s_inv, innovation)
        cfg = self.config
        self._boost[slots] = np.where(
            nis > cfg.manoeuvre_nis,
            np.minimum(self._boost[slots] * cfg.manoeuvre_boost, cfg.max_boost),
            np.maximum(self._boost[slots] / 2, 1.0),
        )
        x_new = x + np.einsum("nij,nj->ni", gain, innovation)
        ikh = np.eye(4)[None] - gain @ np.eye(4)[_H_IDX][None]
        # Joseph form keeps the covariance symmetric and positive after many updates.
        p_new = ikh @ p @ ikh.transpose(0, 2, 1) + gain @ (r[:, None, None] * np.eye(2)) @ gain.transpose(0, 2, 1)
        forward = np.maximum(-dt, 0.0)
        self._x[slots], self._p[slots] = _predict(x_new, p_new, forward, q)
        self._t[slots] = np.maximum(self._t[slots], t)
        gain_alt = self.config.altitude_gain
        for slot, plot in zip(slots.tolist(), plots, strict=True):
            meta = self._meta[slot]
            meta.hits += 1
            self._note(slot, meta, plot)
            if plot.alt_m is not None:
                old = self._alt[slot]
                self._alt[slot] = plot.alt_m if math.isnan(old) else old + gain_alt * (plot.alt_m - old)
            if not self._confirmed[slot] and meta.hits >= self.config.confirm_hits:
                self._confirm(slot)
            meta.identity = self._identify(meta)

    # -- track lifecycle -------------------------------------------------------------------

    def _start(self, plot: Plot, t: float, z: np.ndarray, r: float) -> None:
        """A tentative track at an unclaimed plot, velocity unknown."""
        slot = self._allocate()
        self._x[slot] = (z[0], z[1], 0.0, 0.0)
        v = self.config.init_speed_sigma**2
        self._p[slot] = np.diag([r, r, v, v])
        self._t[slot] = t
        self._alt[slot] = np.nan if plot.alt_m is None else plot.alt_m
        meta = _Meta(first_time=t)
        self._note(slot, meta, plot)
        self._meta[slot] = meta

    def _confirm(self, slot: int) -> None:
        """Make a tentative track a system track with a number no live track holds."""
        number = self._next_number
        for _ in range(MAX_TRACK_NUMBER):
            if number not in self._by_number:
                break
            number = number % MAX_TRACK_NUMBER + 1
        else:  # pragma: no cover - 65535 live tracks
            return
        self._next_number = number % MAX_TRACK_NUMBER + 1
        self._confirmed[slot] = True
        self._meta[slot].track_number = number
        self._by_number[number] = slot

    def _allocate(self) -> int:
        """A free slot, growing the arrays when all are used."""
        free = np.flatnonzero(~self._used)
        if len(free) == 0:
            old = len(self._used)
            grow = old
            self._x = np.concatenate([self._x, np.zeros((grow, 4))])
            self._p = np.concatenate([self._p, np.zeros((grow, 4, 4))])
            self._t = np.concatenate([self._t, np.zeros(grow)])
            self._alt = np.concatenate([self._alt, np.full(grow, np.nan)])
            self._addr = np.concatenate([self._addr, np.full(grow, -1, dtype=np.int64)])
            self._boost = np.concatenate([self._boost, np.ones(grow)])
            self._used = np.concatenate([self._used, np.zeros(grow, dtype=bool)])
            self._confirmed = np.concatenate([self._confirmed, np.zeros(grow, dtype=bool)])
            free = np.array([old])
        slot = int(free[0])
        self._used[slot] = True
        self._confirmed[slot] = False
        self._addr[slot] = -1
        self._boost[slot] = 1.0
        return slot

    def _free(self, slot: int) -> None:
        """Forget a slot's track (its number becomes available again)."""
        meta = self._meta.pop(slot)
        self._by_number.pop(meta.track_number, None)
        self._used[slot] = False
        self._confirmed[slot] = False

    def _note(self, slot: int, meta: _Meta, plot: Plot) -> None:
        """Keep a plot's provenance and codes (the latest code wins)."""
        meta.sensors.add(plot.sensor)
        if plot.icao24 is not None:
            self._addr[slot] = int(plot.icao24, 16)
        if plot.mode3a is not None:
            meta.mode3a = plot.mode3a
        if plot.icao24 is not None:
            meta.icao24 = plot.icao24
        if plot.callsign is not None:
            meta.callsign = plot.callsign
        meta.mode5 = meta.mode5 or plot.iff_mode5

    def _identify(self, meta: _Meta) -> Identity:
        """The identity of a track by the rules (identity.py)."""
        evidence = Evidence(meta.hits, meta.mode3a, meta.icao24, meta.mode5, meta.analyst)
        return identify(evidence, self.config.identity)

    def _state(self, slot: int) -> TrackState:
        """The published state of one slot's track."""
        return self._states([slot])[0]

    def _states(self, slots: Sequence[int]) -> list[TrackState]:
        """The published states of slots' tracks, positions converted in one array operation."""
        if not slots:
            return []
        index = np.asarray(slots, dtype=int)
        x = self._x[index]
        lats, lons = self.frame.surface_to_wgs84(x[:, 0], x[:, 1])
        sigmas = np.sqrt(np.maximum(self._p[index, 0, 0], self._p[index, 1, 1]))
        out = []
        for k, slot in enumerate(index.tolist()):
            meta = self._meta[slot]
            alt = float(self._alt[slot])
            sigma = float(sigmas[k])
            out.append(
                TrackState(
                    track_number=meta.track_number,
                    time=float(self._t[slot]),
                    lat=round(float(lats[k]), 7),
                    lon=round(float(lons[k]), 7),
                    alt_m=None if math.isnan(alt) else round(alt, 1),
                    vel_e_mps=round(float(x[k, 2]), 2),
                    vel_n_mps=round(float(x[k, 3]), 2),
                    identity=meta.identity,
                    quality=quality(sigma),
                    sigma_m=round(sigma, 1),
                    sensors=frozenset(meta.sensors),
                    mode3a=meta.mode3a,
                    icao24=meta.icao24,
                    callsign=meta.callsign,
                    updates=meta.hits,
                    first_time=meta.first_time,
                )
            )
        return out


def quality(sigma_m: float) -> int:
    """Track quality 0-7: 7 at 50 m one-sigma or better, one step lower per doubling of error."""
    if sigma_m <= 50.0:
        return 7
    return max(0, 7 - math.ceil(math.log2(sigma_m / 50.0)))


def _predict(x: np.ndarray, p: np.ndarray, dt: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Constant-velocity prediction of many states by their own time steps (white-noise acceleration).

    A negative step (retrodiction) moves the state back; its noise is that of the same step forward.
    """
    f = np.tile(np.eye(4), (len(dt), 1, 1))
    f[:, 0, 2] = dt
    f[:, 1, 3] = dt
    x_new = np.einsum("nij,nj->ni", f, x)
    span = np.abs(dt)
    q11, q12, q22 = q * span**3 / 3, q * dt**2 / 2 * np.sign(dt), q * span
    noise = np.zeros_like(p)
    noise[:, 0, 0] = noise[:, 1, 1] = q11
    noise[:, 0, 2] = noise[:, 2, 0] = noise[:, 1, 3] = noise[:, 3, 1] = q12
    noise[:, 2, 2] = noise[:, 3, 3] = q22
    return x_new, f @ p @ f.transpose(0, 2, 1) + noise


def _one_report_per_address(plots: list[Plot]) -> list[list[Plot]]:
    """Split one sensor's plots so no batch holds two reports of one Mode S address (ADS-B at 2 Hz)."""
    batches: list[list[Plot]] = []
    seen: list[set[str]] = []
    for plot in plots:
        k = 0
        if plot.icao24 is not None:
            while k < len(seen) and plot.icao24 in seen[k]:
                k += 1
        if k == len(batches):
            batches.append([])
            seen.append(set())
        batches[k].append(plot)
        if plot.icao24 is not None:
            seen[k].add(plot.icao24)
    return batches


def _gnn(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, shape: tuple[int, int]) -> list[tuple[int, int]]:
    """Minimum-cost one-to-one assignment of gated pairs, solved per independent cluster."""
    n_rows, n_cols = shape
    graph = coo_matrix((np.ones(len(rows)), (rows, n_rows + cols)), shape=(n_rows + n_cols, n_rows + n_cols))
    _, label = connected_components(graph, directed=False)
    pair_label = label[rows]
    order = np.argsort(pair_label, kind="stable")
    pair_label = pair_label[order]
    bounds = np.flatnonzero(np.diff(pair_label)) + 1
    out: list[tuple[int, int]] = []
    for group in np.split(order, bounds):
        if len(group) == 1:
            out.append((int(rows[group[0]]), int(cols[group[0]])))
            continue
        r_ids, r_local = np.unique(rows[group], return_inverse=True)
        c_ids, c_local = np.unique(cols[group], return_inverse=True)
        # Pairs outside the gate cost more than any gated pair, so they are chosen only when forced
        # and then dropped: a track never takes a plot outside its gate.
        big = float(cost[group].max()) * 10 + 1e6
        matrix = np.full((len(r_ids), len(c_ids)), big)
        matrix[r_local, c_local] = cost[group]
        ri, ci = linear_sum_assignment(matrix)
        out.extend((int(r_ids[i]), int(c_ids[j])) for i, j in zip(ri, ci, strict=True) if matrix[i, j] < big)
    return out
