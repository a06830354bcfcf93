"""Hours in which each sensor contributed plots: the air-picture figure of the contributions ledger.

The picture keeps only each track's newest state, so "air-picture hours provided" could not be
reproduced from it; the inbox records here, in the transaction that accepts plots, every (sensor,
hour of plot time) it has accepted plots for. One row per sensor-hour keeps the table small
(a sensor running all year is 8,760 rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from intelcell.store.schema import air_sensor_hours


def record(conn: Connection, contributions: Iterable[tuple[str, float]]) -> None:
    """Mark the hours of ``(sensor id, plot time in UNIX seconds)`` pairs as contributed, idempotently."""
    rows = [{"sensor_id": s, "hour": h} for s, h in sorted({(s, int(t // 3600)) for s, t in contributions})]
    if not rows:
        return
    # Concurrent writers on PostgreSQL may mark the same hour: a conflict is not an error.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(air_sensor_hours).on_conflict_do_nothing(), rows)
