"""The sensor registry and withholding areas: who owns a sensor, how accurate it is, its labels.

A sensor has two labels. Its data label is what its plots are worth: a track carries the dominant
label of its sensors' data labels. Its provenance label says who may learn that the sensor exists
and contributed: a reader of a track sees in ``sensors`` only the sensors whose provenance it may
read. An area's label joins the dominant label of any track inside it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from intelcell.cell import Cell
from intelcell.domain.airpicture.area import Area, AreaError
from intelcell.domain.airpicture.sensor import Orbit, Sensor, SensorError, SensorKind
from intelcell.domain.label import Label, LabelError, parse
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.labels import Readable
from intelcell.store.schema import air_areas, air_sensors
from intelcell.store.users import User


class RegistryError(ValueError):
    """A sensor or area that cannot be registered; the message says why."""


@dataclass(frozen=True, slots=True)
class SensorRecord:
    """A registered sensor with its labels."""

    sensor: Sensor
    label_id: int
    provenance_label_id: int
    is_demo: bool = False

    def to_json(self, labels: dict[int, str]) -> dict[str, Any]:
        """The sensor as the API shows it to a reader of its provenance."""
        out = sensor_to_json(self.sensor)
        out["label"] = labels[self.label_id]
        out["provenance_label"] = labels[self.provenance_label_id]
        return out


@dataclass(frozen=True, slots=True)
class AreaRecord:
    """A withholding area with its label."""

    area: Area
    label_id: int


def sensor_to_json(sensor: Sensor) -> dict[str, Any]:
    """A sensor's definition as JSON (the form ``sensor_from_json`` reads)."""
    out = asdict(sensor)
    out["kind"] = sensor.kind.value
    if sensor.orbit is None:
        out.pop("orbit")
    return out


def _number(value: Any) -> bool:
    """Whether a JSON value is a finite number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def sensor_from_json(data: Any) -> Sensor:
    """Read a sensor definition; RegistryError names the field that is wrong."""
    if not isinstance(data, dict):
        raise RegistryError("a sensor is a JSON object")
    known = {"id", "member", "kind", "lat", "lon", "alt_m", "sigma_m", "sac", "sic"}
    known |= {"range_sigma_m", "azimuth_sigma_deg", "orbit"}
    unknown = sorted(set(data) - known - {"label", "provenance_label"})
    if unknown:
        raise RegistryError(f"unknown sensor fields: {', '.join(unknown)}")
    try:
        kind = SensorKind(str(data.get("kind")))
    except ValueError:
        raise RegistryError(f"kind must be one of {', '.join(k.value for k in SensorKind)}") from None
    for name in ("lat", "lon", "alt_m", "sigma_m", "range_sigma_m", "azimuth_sigma_deg"):
        if name in data and not _number(data[name]):
            raise RegistryError(f"sensor field {name} must be a number")
    for name in ("sac", "sic"):
        if data.get(name) is not None and not (isinstance(data[name], int) and not isinstance(data[name], bool)):
            raise RegistryError(f"sensor field {name} must be an integer 0..255")
    if not isinstance(data.get("id"), str) or not isinstance(data.get("member"), str):
        raise RegistryError("sensor fields id and member must be text")
    missing = [name for name in ("lat", "lon", "alt_m", "sigma_m") if name not in data]
    if missing:  # named here: Sensor's own TypeError would show Python internals
        raise RegistryError(f"sensor fields missing: {', '.join(missing)}")
    orbit_data = data.get("orbit")
    if orbit_data is not None and (
        not isinstance(orbit_data, dict)
        or set(orbit_data) != {"lat", "lon", "alt_m", "heading_deg", "leg_m", "width_m", "speed_mps"}
        or not all(_number(v) for v in orbit_data.values())
    ):
        raise RegistryError(
            "orbit must be an object of numbers: lat, lon, alt_m, heading_deg, leg_m, width_m, speed_mps"
        )
    try:
        orbit = Orbit(**orbit_data) if orbit_data is not None else None
        fields = {k: data[k] for k in known - {"kind", "orbit"} if k in data}
        return Sensor(kind=kind, orbit=orbit, **fields)
    except SensorError as exc:
        raise RegistryError(str(exc)) from None
    except TypeError as exc:
        raise RegistryError(f"sensor definition: {exc}") from None


def _label(cell: Cell, text: str, what: str) -> Label:
    """Parse a label for the registry, naming what it was for when it is invalid."""
    try:
        return parse(text, cell.vocabulary)
    except LabelError as exc:
        raise RegistryError(f"{what}: {exc}") from None


def register_sensor(
    cell: Cell,
    user: User,
    sensor: Sensor,
    label_text: str,
    provenance_text: str | None = None,
    *,
    path: str = "cli",
    is_demo: bool = False,
) -> SensorRecord:
    """Register (or redefine) a sensor of the user's member (administrators: any member)."""
    if user.role != "admin" and sensor.member != user.member:
        raise RegistryError(f"a {user.member} user cannot register a sensor of {sensor.member}")
    if sensor.member not in cell.registry.members:
        raise RegistryError(f"unknown member {sensor.member!r}")
    # Ids live in their member's namespace (as person records do), so no member can name, probe
    # or redefine another member's sensor: the prefix decides ownership before any lookup.
    prefix = f"{sensor.member.lower()}-"
    if not sensor.id.startswith(prefix):
        raise RegistryError(f"a {sensor.member} sensor id must start with {prefix!r}, not {sensor.id!r}")
    label = _label(cell, label_text, "label")
    provenance = _label(cell, provenance_text, "provenance_label") if provenance_text else label
    ids = cell.labels.ensure(cell.db, {label, provenance})
    row = {
        "member": sensor.member,
        "kind": sensor.kind.value,
        "definition": json.dumps(sensor_to_json(sensor), sort_keys=True),
        "label_id": ids[label],
        "provenance_label_id": ids[provenance],
        "sac": sensor.sac,
        "sic": sensor.sic,
        "is_demo": is_demo,
    }
    with cell.db.write() as conn:
        clash = conn.execute(
            select(air_sensors.c.id).where(
                air_sensors.c.sac == sensor.sac, air_sensors.c.sic == sensor.sic, air_sensors.c.id != sensor.id
            )
        ).first()
        if sensor.sac is not None and clash is not None:
            # SAC/SIC pairs are allocated publicly (EUROCONTROL's list), so saying one is taken
            # tells nothing a partner could not look up.
            raise RegistryError(f"SAC/SIC {sensor.sac}/{sensor.sic} is already registered")
        exists = conn.execute(select(air_sensors.c.id).where(air_sensors.c.id == sensor.id)).first()
        if exists:
            conn.execute(air_sensors.update().where(air_sensors.c.id == sensor.id).values(**row))
        else:
            conn.execute(insert(air_sensors).values(id=sensor.id, created_at=cell.clock(), last_time=None, **row))
        event = AuditEvent("write", "airpicture.sensor", path, user.member, user.name, (sensor.id,), (label.text(),))
        audit.append(conn, event, cell.clock())
    return SensorRecord(sensor, ids[label], ids[provenance], is_demo)


def register_area(
    cell: Cell, user: User, area_id: str, polygon: Any, label_text: str, *, path: str = "cli"
) -> AreaRecord:
    """Define (or redefine) a withholding area (administrators only)."""
    if user.role != "admin":
        raise RegistryError("only administrators define areas")
    try:
        vertices = tuple((float(lat), float(lon)) for lat, lon in polygon)
        area = Area(area_id, vertices)
    except (TypeError, ValueError) as exc:
        raise RegistryError(f"polygon: {exc}") from None
    except AreaError as exc:
        raise RegistryError(str(exc)) from None
    label = _label(cell, label_text, "label")
    label_id = cell.labels.ensure(cell.db, {label})[label]
    with cell.db.write() as conn:
        conn.execute(air_areas.delete().where(air_areas.c.id == area_id))
        conn.execute(
            insert(air_areas).values(
                id=area_id, polygon=json.dumps(list(vertices)), label_id=label_id, created_at=cell.clock()
            )
        )
        event = AuditEvent("write", "airpicture.area", path, user.member, user.name, (area_id,), (label.text(),))
        audit.append(conn, event, cell.clock())
    return AreaRecord(area, label_id)


def all_sensors(conn: Connection) -> dict[str, SensorRecord]:
    """Every registered sensor by id (for the engine and ingest; not filtered for a reader)."""
    out = {}
    for row in conn.execute(select(air_sensors)):
        sensor = sensor_from_json(json.loads(row.definition))
        out[row.id] = SensorRecord(sensor, row.label_id, row.provenance_label_id, row.is_demo)
    return out


def all_areas(conn: Connection) -> list[AreaRecord]:
    """Every withholding area (for the engine)."""
    rows = conn.execute(select(air_areas).order_by(air_areas.c.id))
    return [AreaRecord(Area(r.id, tuple(tuple(v) for v in json.loads(r.polygon))), r.label_id) for r in rows]


def visible_sensors(conn: Connection, readable: Readable, member: str) -> list[SensorRecord]:
    """The sensors whose provenance a reader may know: its own member's and those released to it."""
    return [
        record
        for record in all_sensors(conn).values()
        if readable.allows(record.provenance_label_id, record.sensor.member, member)
    ]
