"""The picture as one reader may receive it: tracks it may read, provenance it may know.

A track is readable when its label is (originator: the NATO organisation, which fuses the
picture). Its ``sensors`` field is a portion: it lists only the sensors whose provenance label the
reader may read, so a partner never learns that a sensor it may not know of saw the track.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, literal, select

from intelcell.airpicture.sensors import all_sensors
from intelcell.cell import Cell
from intelcell.domain.airpicture.model import Identity, TrackState
from intelcell.store.labels import Readable
from intelcell.store.schema import air_tracks
from intelcell.store.users import User

ORIGINATOR = "NATO"  # the fused picture is the NATO organisation's product


@dataclass(frozen=True)
class Reader:
    """What one reader may receive: readable label ids, and the sensors it may know of."""

    member: str
    readable: Readable
    known_sensors: frozenset[str]
    labels: dict[int, str]
    newest_label_id: int  # labels created later (new combinations) need a fresh reader

    def is_current(self, label_id: int | None) -> bool:
        """Whether this reader was computed after the label ``label_id`` existed."""
        return label_id is None or label_id <= self.newest_label_id

    def may_read(self, label_id: int | None) -> bool:
        """Whether a track row with this label id exists for the reader."""
        return label_id is not None and self.readable.allows(label_id, ORIGINATOR, self.member)

    def view(self, row: Row[Any]) -> dict[str, Any]:
        """A readable track row as the reader receives it."""
        out: dict[str, Any] = json.loads(row.state)
        out["sensors"] = [s for s in json.loads(row.sensors) if s in self.known_sensors]
        out["label"] = self.labels.get(row.label_id, "")
        return out


def track_json(state: TrackState) -> dict[str, Any]:
    """A track's state as stored and served, without its provenance (served separately, filtered)."""
    return {
        "track_number": state.track_number,
        "time": state.time,
        "lat": state.lat,
        "lon": state.lon,
        "alt_m": state.alt_m,
        "vel_e_mps": state.vel_e_mps,
        "vel_n_mps": state.vel_n_mps,
        "identity": state.identity.value,
        "quality": state.quality,
        "sigma_m": state.sigma_m,
        "mode3a": state.mode3a,
        "icao24": state.icao24,
        "callsign": state.callsign,
        "updates": state.updates,
        "first_time": state.first_time,
    }


def state_from_json(data: dict[str, Any]) -> TrackState:
    """A served track back as a TrackState (for the exports); the provenance it shows is kept."""
    fields = {k: v for k, v in data.items() if k not in ("label", "sensors", "identity")}
    return TrackState(identity=Identity(data["identity"]), sensors=frozenset(data.get("sensors", ())), **fields)


def reader_for(cell: Cell, conn: Connection, user: User) -> Reader:
    """The reader a user is, computed once per request or feed refresh."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    known = frozenset(
        sensor_id
        for sensor_id, record in all_sensors(conn).items()
        if readable.allows(record.provenance_label_id, record.sensor.member, user.member)
    )
    newest = readable.newest_id
    texts = {}
    for label_id in readable.any_originator | readable.own_objects:
        label = cell.labels.label(conn, label_id)
        if label is not None:
            texts[label_id] = label.text()
    return Reader(user.member, readable, known, texts, newest)


def snapshot(conn: Connection, reader: Reader) -> tuple[list[dict[str, Any]], int]:
    """The live tracks the reader may read, by track number, and the feed position they reflect."""
    # The position first: under READ COMMITTED the rows may then include a later change (sent
    # again by the feed, harmless) but never miss one the position claims to cover.
    position = conn.execute(select(air_tracks.c.seq).order_by(air_tracks.c.seq.desc()).limit(1)).scalar()
    readable = reader.readable.clause(air_tracks.c.label_id, literal(ORIGINATOR), reader.member)
    live = conn.execute(
        select(air_tracks).where(air_tracks.c.deleted.is_(False), readable).order_by(air_tracks.c.track_number)
    ).all()
    return [reader.view(row) for row in live], position or 0


def changes_since(conn: Connection, seq: int, limit: int = 5000) -> list[Row[Any]]:
    """Track rows changed after feed position ``seq``, in order (all of them: readers filter)."""
    return list(conn.execute(select(air_tracks).where(air_tracks.c.seq > seq).order_by(air_tracks.c.seq).limit(limit)))


def labels_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    """The distinct labels of served tracks (for the read audit)."""
    return sorted({row["label"] for row in rows})
