"""Acknowledged input of the tracker: plots checked against the sensor registry, then queued.

Any API process (or the CLI's replay and UDP listener) may accept plots; they are written to the
``air_inbox`` table in one transaction, so an acknowledged plot survives a crash and a refused
batch leaves nothing behind. The one process that holds the tracker lease drains the inbox.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, insert, select

from intelcell.airpicture.plotcsv import plot_to_json
from intelcell.airpicture.sensors import SensorRecord, all_sensors
from intelcell.cell import Cell
from intelcell.domain.airpicture.model import Identity, Plot
from intelcell.oversight import airhours
from intelcell.store.schema import air_inbox, air_sensors

log = logging.getLogger(__name__)

# Time may step back this far on one sensor (a late datagram); further back is a broken clock.
BACKWARDS_TOLERANCE_S = 5.0
# Plots per sensor per second of plot time: a radar of 1,000 targets at 1 s stays far below;
# more is a flood or a replay loop, refused before it reaches the tracker.
MAX_RATE_PER_SENSOR = 5_000
# Queued input beyond which new plots are refused until the tracker catches up.
MAX_BACKLOG = 500_000
# A plot dated further ahead of the receiving clock is a broken clock: one plot a year ahead
# would move the picture's time and end every track.
MAX_FUTURE_S = 60.0


@dataclass
class Accepted:
    """What an ingest call stored and what it refused, each refusal with its reason."""

    stored: int = 0
    refused: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, object]:
        """The ingest report as the API answers it (the first 100 reasons)."""
        return {"accepted": self.stored, "refused": len(self.refused), "reasons": self.refused[:100]}


class InboxFull(RuntimeError):
    """The tracker is too far behind to accept more input now."""


def accept(
    cell: Cell, member: str | None, plots: Sequence[Plot], *, errors: Sequence[str] = (), received_at: float
) -> Accepted:
    """Queue plots of registered sensors; ``member`` (None: any) must own each plot's sensor.

    Refused, with the reason: unknown sensor (or another member's: the same message, so a
    partner learns nothing of sensors it may not know), time going back on a sensor, a flood.
    """
    report = Accepted(refused=list(errors))
    report.counts["malformed"] = len(errors)
    with cell.db.write() as conn:
        # The id span (two index lookups) bounds the queued rows from above; count(*) would scan
        # the whole backlog on every POST, on PostgreSQL exactly when the tracker is behind.
        first, last_id = conn.execute(select(func.min(air_inbox.c.id), func.max(air_inbox.c.id))).one()
        backlog = 0 if first is None else last_id - first + 1
        if backlog >= MAX_BACKLOG:
            # No count in the message: the backlog is every member's traffic.
            raise InboxFull("the tracker is behind; try again shortly")
        sensors = all_sensors(conn)
        last = {r.id: r.last_time for r in conn.execute(select(air_sensors.c.id, air_sensors.c.last_time))}
        rate: Counter[tuple[str, int]] = Counter()
        rows = []
        newest: dict[str, float] = {}
        accepted: list[tuple[str, float]] = []
        for index, plot in enumerate(plots):
            reason = _refusal(plot, sensors, member, last, rate, received_at)
            if reason:
                report.refused.append(f"plot {index}: {reason}")
                report.counts[reason.split(":")[0]] += 1
                continue
            last[plot.sensor] = max(plot.time, last.get(plot.sensor) or plot.time)
            newest[plot.sensor] = last[plot.sensor]
            rows.append({"payload": json.dumps({"plot": plot_to_json(plot)}), "received_at": received_at})
            accepted.append((plot.sensor, plot.time))
        if rows:
            conn.execute(insert(air_inbox), rows)
            # Oversight (issue 6): the hours each sensor contributed, counted in the same transaction.
            airhours.record(conn, accepted)
        for sensor_id, t in newest.items():
            conn.execute(air_sensors.update().where(air_sensors.c.id == sensor_id).values(last_time=t))
    report.stored = len(rows)
    if report.refused:
        # Counted and logged, not only answered: an operator sees a broken feed in the server log.
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.counts.items()) if n)
        log.warning("air picture: %d plots refused (%s); first: %s", len(report.refused), kinds, report.refused[0])
    return report


def _refusal(
    plot: Plot,
    sensors: dict[str, SensorRecord],
    member: str | None,
    last: dict[str, float | None],
    rate: Counter[tuple[str, int]],
    received_at: float,
) -> str | None:
    """Why a plot is refused, or None to accept it."""
    record = sensors.get(plot.sensor)
    if record is None or (member is not None and record.sensor.member != member):
        return f"unknown sensor: {plot.sensor!r} is not a registered sensor of yours"
    if plot.time > received_at + MAX_FUTURE_S:
        return f"time in the future: {plot.time:.3f} is {plot.time - received_at:.0f} s ahead of this server's clock"
    previous = last.get(plot.sensor)
    if previous is not None and plot.time < previous - BACKWARDS_TOLERANCE_S:
        return f"time goes backwards: {plot.time:.3f} is {previous - plot.time:.1f} s before this sensor's last plot"
    key = (plot.sensor, int(plot.time))
    rate[key] += 1
    if rate[key] > MAX_RATE_PER_SENSOR:
        return f"flood: more than {MAX_RATE_PER_SENSOR} plots in one second from {plot.sensor}"
    return None


def assign_identity(conn: Connection, track_number: int, identity: Identity | None, *, received_at: float) -> None:
    """Queue an analyst's identity for a track (None clears it), in the caller's transaction."""
    payload = {"identity": {"track_number": track_number, "value": None if identity is None else identity.value}}
    conn.execute(insert(air_inbox).values(payload=json.dumps(payload), received_at=received_at))
