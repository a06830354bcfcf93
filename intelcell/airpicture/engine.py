"""The tracking engine: one process at a time drains the inbox through the tracker into the picture.

Several API processes may share one database; the one holding the ``tracker`` lease runs the
tracker and writes ``air_tracks``, and every process serves the feed from that table, so the
picture fans out across processes through the database, never through one process's memory.

Each change of a track gets the next ``seq`` and the dominant label of everything it was built
from: its sensors' data labels and the labels of the areas it is in. When no label can express
the combination (two nations' national labels with nothing in common), the track is stored with
no label, which no one may read.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from intelcell.airpicture.picture import track_json
from intelcell.airpicture.plotcsv import plot_from_fields
from intelcell.airpicture.sensors import AreaRecord, SensorRecord, all_areas, all_sensors
from intelcell.cell import Cell
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.model import Identity, Plot, PlotError, TrackState
from intelcell.domain.airpicture.tracker import Tracker, TrackerConfig
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.store.schema import air_inbox, air_leases, air_tracks

log = logging.getLogger(__name__)

LEASE = "tracker"
LEASE_SECONDS = 5.0
BATCH = 5_000  # inbox rows per step: one transaction stays short for the API's writers
KEEP_DELETED_S = 600.0  # deleted tracks stay in the feed table this long for reconnecting clients
PRUNE_EVERY_S = 60.0
RELOAD_S = 10.0
DEFAULT_ORIGIN = (33.3, 44.4)  # Baghdad, when no sensor is registered yet


class LostLease(RuntimeError):
    """Another process took the tracker lease: this one's picture is no longer the cell's."""


def _latest(changed: Sequence[TrackState]) -> list[TrackState]:
    """The last state of each track number, in the order of their last change."""
    latest: dict[int, TrackState] = {}
    for state in changed:
        latest.pop(state.track_number, None)
        latest[state.track_number] = state
    return list(latest.values())


class Engine:
    """Runs the tracker for a cell while holding the lease (see the module docstring)."""

    def __init__(
        self,
        cell: Cell,
        *,
        config: TrackerConfig | None = None,
        wall: Callable[[], float] = time.time,
        holder: str | None = None,
    ) -> None:
        self.cell = cell
        self.config = config
        self.wall = wall
        self.holder = holder or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tracker: Tracker | None = None
        self.sensors: dict[str, SensorRecord] = {}
        self.areas: list[AreaRecord] = []
        self._label_cache: dict[tuple[frozenset[str], frozenset[str]], int | None] = {}
        self._seq = 0
        self._wall_at_latest = 0.0
        self._picture_at_latest = 0.0
        self._next_prune = 0.0
        self._reload_at = 0.0
        self.counts = {"plots": 0, "refused": 0, "identities": 0}
        self.leading = threading.Event()  # set while this process runs the tracker
        # In-process shortcuts past the polling: a route that queued input wakes the engine, and
        # the engine tells this process's feed that tracks changed. Other processes poll.
        self.wake = threading.Event()
        self.on_change: list[Callable[[], None]] = []

    # -- lease -----------------------------------------------------------------------------

    def lead(self) -> bool:
        """Take or renew the tracker lease; on taking it, start a fresh picture."""
        now = self.wall()
        with self.cell.db.write() as conn:
            row = conn.execute(select(air_leases).where(air_leases.c.name == LEASE).with_for_update()).first()
            if row is not None and row.holder != self.holder and row.expires_at > now:
                self.tracker = None
                return False
            values = {"holder": self.holder, "expires_at": now + LEASE_SECONDS}
            if row is None:
                conn.execute(insert(air_leases).values(name=LEASE, next_track_number=1, **values))
            else:
                conn.execute(update(air_leases).where(air_leases.c.name == LEASE).values(**values))
            if self.tracker is None:
                self._start(conn, row.next_track_number if row is not None else 1)
        return True

    def release(self) -> None:
        """Give the lease up (at shutdown) so another process takes over at once."""
        with self.cell.db.write() as conn:
            # Expire rather than delete: the row keeps the next track number for the next leader.
            conn.execute(
                update(air_leases)
                .where(air_leases.c.name == LEASE, air_leases.c.holder == self.holder)
                .values(expires_at=0.0)
            )
        self.tracker = None

    def _start(self, conn: Connection, next_track_number: int) -> None:
        """A new tracker: the previous leader's live tracks end, numbering continues after them."""
        self.reload(conn)
        self._seq = conn.execute(select(func.coalesce(func.max(air_tracks.c.seq), 0))).scalar_one()
        live = conn.execute(select(air_tracks.c.track_number).where(air_tracks.c.deleted.is_(False))).scalars().all()
        for number in live:
            self._seq += 1
            conn.execute(
                update(air_tracks).where(air_tracks.c.track_number == number).values(deleted=True, seq=self._seq)
            )
        self.tracker = Tracker(self._frame(), self.config, next_track_number=next_track_number)
        self._label_cache.clear()
        log.info("air picture: tracker started by %s, %d sensors", self.holder, len(self.sensors))

    def reload(self, conn: Connection) -> None:
        """Re-read sensors and areas (they change rarely; labels of new combinations follow)."""
        self.sensors = all_sensors(conn)
        self.areas = all_areas(conn)
        self._label_cache.clear()

    def _frame(self) -> LocalFrame:
        """The tracker's local frame: at the middle of the registered sensors."""
        if not self.sensors:
            return LocalFrame(*DEFAULT_ORIGIN)
        sites = [r.sensor for r in self.sensors.values()]
        return LocalFrame(statistics.median(s.lat for s in sites), statistics.median(s.lon for s in sites))

    # -- one step --------------------------------------------------------------------------

    def step(self) -> int:
        """Drain up to BATCH inbox rows through the tracker into the picture; return rows taken.

        Rows are read, tracked and labelled outside the write transaction (a new label combination
        is committed on its own first), then the tracks are written and the rows deleted together:
        after a crash in between, the rows are still in the inbox for the next leader.
        """
        tracker = self.tracker
        if tracker is None:
            return 0
        with self.cell.db.read() as conn:
            rows = conn.execute(select(air_inbox).order_by(air_inbox.c.id).limit(BATCH)).all()
        plots: list[Plot] = []
        received: list[float] = []
        changed: list[TrackState] = []
        for row in rows:
            payload = json.loads(row.payload)
            if "plot" in payload:
                try:
                    plot = plot_from_fields(payload["plot"])
                except (PlotError, ValueError, TypeError) as exc:  # checked on accept; kept for safety
                    self.counts["refused"] += 1
                    log.warning("air picture: inbox row %s skipped: %s", row.id, exc)
                    continue
                plots.append(plot)
                received.append(row.received_at)
            elif "identity" in payload:
                changed.extend(self._identity(tracker, plots, payload["identity"]))
                plots = []
        changed.extend(tracker.process(plots))
        now = self.wall()
        if rows:
            self._wall_at_latest, self._picture_at_latest = now, tracker.latest_time
        elif self._wall_at_latest:
            # Without plots the picture's clock follows the wall clock, so silent tracks still end.
            changed.extend(tracker.advance(self._picture_at_latest + (now - self._wall_at_latest)))
        self.counts["plots"] += len(plots)
        if now >= self._reload_at:
            with self.cell.db.read() as conn:
                self.reload(conn)  # redefined sensors and areas take effect within RELOAD_S
            self._reload_at = now + RELOAD_S
        labelled = [(state, self._label_id(state)) for state in _latest(changed)]
        if not rows and not labelled:
            return 0  # idle: no write transaction (the lease is renewed by run())
        try:
            with self.cell.db.write() as conn:
                self._fence(conn, tracker)
                self._write(conn, labelled, max(received, default=None))
                if rows:
                    conn.execute(delete(air_inbox).where(air_inbox.c.id.in_([row.id for row in rows])))
                if tracker.latest_time >= self._next_prune:
                    # Never the newest row: a restarted leader continues the sequence from it.
                    cutoff = tracker.latest_time - KEEP_DELETED_S
                    conn.execute(
                        delete(air_tracks).where(
                            air_tracks.c.deleted.is_(True), air_tracks.c.time < cutoff, air_tracks.c.seq < self._seq
                        )
                    )
                    self._next_prune = tracker.latest_time + PRUNE_EVERY_S
        except BaseException:
            # The tracker has run ahead of what was stored: drop it; the next lead starts afresh
            # and the rows still in the inbox are tracked again.
            self.tracker = None
            raise
        if labelled:
            for notify in self.on_change:
                notify()
        return len(rows)

    def _fence(self, conn: Connection, tracker: Tracker) -> None:
        """Renew the lease in the write itself, or abort it: a stalled leader must not write after a takeover."""
        now = self.wall()
        renewed = conn.execute(
            update(air_leases)
            .where(air_leases.c.name == LEASE, air_leases.c.holder == self.holder, air_leases.c.expires_at > now)
            .values(expires_at=now + LEASE_SECONDS, next_track_number=tracker.next_track_number)
        ).rowcount
        if renewed != 1:
            raise LostLease(f"{self.holder} no longer holds the tracker lease")

    def _identity(self, tracker: Tracker, pending: list[Plot], command: dict[str, Any]) -> list[TrackState]:
        """Apply an analyst's identity in order: plots queued before it are run first."""
        states = tracker.process(pending)
        value = command.get("value")
        state = tracker.set_identity(int(command["track_number"]), None if value is None else Identity(value))
        self.counts["identities"] += 1
        return [*states, state] if state is not None else states

    def _write(
        self, conn: Connection, labelled: Sequence[tuple[TrackState, int | None]], received_at: float | None
    ) -> None:
        """Upsert changed tracks with their label ids and the next sequence numbers."""
        if not labelled:
            return
        numbers = [state.track_number for state, _ in labelled]
        existing = set(
            conn.execute(select(air_tracks.c.track_number).where(air_tracks.c.track_number.in_(numbers))).scalars()
        )
        updates, inserts = [], []
        for state, label_id in labelled:
            self._seq += 1
            values = {
                "seq": self._seq,
                "label_id": label_id,
                "deleted": state.deleted,
                "time": state.time,
                "state": json.dumps(track_json(state)),
                "sensors": json.dumps(sorted(state.sensors)),
                "received_at": received_at,
            }
            if state.track_number in existing:
                updates.append({"number": state.track_number, **values})
            else:
                inserts.append({"track_number": state.track_number, **values})
        if updates:
            # One executemany: a statement per track cost 0.2 ms each, most of a 1,000-track step.
            conn.execute(update(air_tracks).where(air_tracks.c.track_number == bindparam("number")), updates)
        if inserts:
            conn.execute(insert(air_tracks), inserts)

    def _label_id(self, state: TrackState) -> int | None:
        """The dominant label of a track's sensors and the areas it is in (cached per combination)."""
        if not state.sensors <= self.sensors.keys():
            with self.cell.db.read() as conn:
                self.reload(conn)  # a sensor registered since the last reload
        areas = frozenset(a.area.id for a in self.areas if a.area.contains(state.lat, state.lon))
        key = (state.sensors, areas)
        if key not in self._label_cache:
            ids = {self.sensors[s].label_id for s in state.sensors if s in self.sensors}
            ids |= {a.label_id for a in self.areas if a.area.id in areas}
            unknown = [s for s in state.sensors if s not in self.sensors]
            self._label_cache[key] = None if unknown else self._dominant_id(ids)
        return self._label_cache[key]

    def _dominant_id(self, label_ids: set[int]) -> int | None:
        """The id of the dominant label of some label ids, or None when they cannot combine."""
        with self.cell.db.read() as conn:
            labels = [self.cell.labels.label(conn, i) for i in label_ids]
        if not labels or any(label is None for label in labels):
            return None
        try:
            combined = dominant([label for label in labels if label is not None], self.cell.registry)
        except NoCommonReleasability:
            log.warning("air picture: a track's sensors share no releasability; it is withheld from everyone")
            return None
        return self.cell.labels.ensure(self.cell.db, {combined})[combined]

    # -- the loop --------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Lead when possible and drain the inbox until ``stop`` is set (a daemon thread's body)."""
        poll = self.cell.settings.airpicture_poll_ms / 1000
        renew_at = 0.0
        while not stop.is_set():
            try:
                if self.wall() >= renew_at:
                    leading = self.lead()
                    renew_at = self.wall() + LEASE_SECONDS / 3
                    if not leading:
                        self.leading.clear()
                        stop.wait(LEASE_SECONDS / 2)
                        continue
                    self.leading.set()
                if self.step() == 0:
                    self.wake.wait(poll)
                    self.wake.clear()
            except LostLease as exc:
                log.warning("air picture: %s; following the new leader", exc)
                self.leading.clear()
                renew_at = 0.0
            except Exception:  # the picture must outlive a bad step; the error is logged, not lost
                log.exception("air picture: tracker step failed")
                stop.wait(1.0)
        self.leading.clear()
        if self.tracker is not None:
            self.release()
