"""``intelcell airpicture``: offline tracking, sensors and areas, replaying and listening to feeds."""

from __future__ import annotations

import logging
import math
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click
import orjson

from intelcell.airpicture import asterix, inbox, listener, offline, replay
from intelcell.airpicture.asterix import DAY_S
from intelcell.airpicture.modes import ModeSDecoder
from intelcell.airpicture.plotcsv import FormatError, Parsed, read_plots_csv, write_tracks_csv
from intelcell.airpicture.sensors import (
    RegistryError,
    all_areas,
    all_sensors,
    register_area,
    register_sensor,
    sensor_from_json,
)
from intelcell.cell import Cell
from intelcell.cli.common import CliError, cell
from intelcell.domain.airpicture.model import Plot
from intelcell.domain.airpicture.sensor import Sensor
from intelcell.domain.label import Label, LabelError, parse
from intelcell.domain.policy import Clearance
from intelcell.store import users
from intelcell.store.users import User

MAX_MESSAGES = 20  # skipped-row messages printed before a count of the rest


@click.group()
def airpicture() -> None:
    """The recognized air picture: tracking, sensors, feeds."""


@airpicture.command("track")
@click.option(
    "--plots",
    "plots_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plot CSV: time,sensor,lat,lon,alt_m,sigma_m[,mode3a][,icao24].",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Track CSV to write: time,track_number,lat,lon,alt_m,vel_e_mps,vel_n_mps,identity.",
)
def track(plots_path: Path, out_path: Path) -> None:
    """Run the tracker over a plot recording and write every confirmed track update.

    Rows that cannot be plots (impossible positions, bad codes, time going back on their sensor)
    are skipped and reported on stderr; the run goes on.
    """
    started = time.perf_counter()
    try:
        with plots_path.open(encoding="utf-8", newline="") as handle:
            parsed = read_plots_csv(handle)
    except FileNotFoundError:
        raise CliError(f"no such file: {plots_path}") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{plots_path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except FormatError as exc:
        raise CliError(str(exc)) from None
    run = offline.OfflineRun(skipped=list(parsed.errors))
    tmp = out_path.with_name(out_path.name + ".partial")
    rows = 0
    with tmp.open("w", encoding="utf-8", newline="") as out:
        for line in write_tracks_csv(offline.track(parsed.plots, run)):
            out.write(line)
            rows += 1
    tmp.replace(out_path)  # a failed run never leaves half a track file under the asked name
    for message in run.skipped[:MAX_MESSAGES]:
        click.echo(f"skipped {message}", err=True)
    if len(run.skipped) > MAX_MESSAGES:
        click.echo(f"skipped {len(run.skipped) - MAX_MESSAGES} more rows", err=True)
    elapsed = time.perf_counter() - started
    click.echo(
        f"{run.plots_used} plots, {len(run.skipped)} skipped, {run.tracks_confirmed} tracks, "
        f"{rows - 1} track updates written to {out_path} in {elapsed:.1f} s",
        file=sys.stdout,
    )


# -- sensors and areas ------------------------------------------------------------------------

ADMINISTRATOR = "airpicture.admin"  # the service user the CLI registers sensors and areas as
_AREA_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # as the HTTP API's areas


def _member(current: Cell, member: str) -> str:
    """A registered member code (any case), or a CLI error naming where to look."""
    code = member.strip().upper()
    if code not in current.registry.members:
        raise CliError(f"unknown member {member!r}: see `intelcell members list`")
    return code


def _label(current: Cell, text: Any, what: str) -> Label:
    """A label parsed from text, or a CLI error saying what it was for."""
    if not isinstance(text, str) or not text.strip():
        raise CliError(f"{what}: a label is required, e.g. 'NATO SECRET // REL TO COALITION'")
    try:
        return parse(text, current.vocabulary)
    except LabelError as exc:
        raise CliError(f"{what}: {exc}") from None


def _administrator(current: Cell, member: str, labels: Iterable[Label]) -> User:
    """The member's ``airpicture.admin`` service user, cleared for the given labels.

    Whoever runs the CLI holds the store, as for ``persons import``: the service user stands for
    them in the audit trail (path ``cli: airpicture ...``).
    """
    chosen = list(labels)
    clearance = Clearance(
        max(label.level for label in chosen), frozenset().union(*(label.restrictive_caveats for label in chosen))
    )
    with current.db.write() as conn:
        made, _changed = users.upsert(
            conn,
            member=member,
            name=ADMINISTRATOR,
            clearance=clearance,
            role="admin",
            is_demo=False,
            now=current.clock(),
        )
    return made


@dataclass(frozen=True)
class _NewSensor:
    """A sensor of a file, checked and ready to store."""

    sensor: Sensor
    label: Label
    provenance: Label | None


def _checked_sensor(current: Cell, item: Any) -> _NewSensor:
    """One sensor definition of a file with its labels; CliError says what is wrong."""
    if not isinstance(item, dict):
        raise CliError("a sensor is a JSON object")
    try:
        sensor = sensor_from_json(item)
    except RegistryError as exc:
        raise CliError(str(exc)) from None
    if sensor.member not in current.registry.members:
        raise CliError(f"unknown member {sensor.member!r} (codes are upper case): see `intelcell members list`")
    if (sensor.sac is None) != (sensor.sic is None):
        raise CliError("sac and sic go together: ASTERIX names a sensor by both")
    label = _label(current, item.get("label"), "label")
    provenance = item.get("provenance_label")
    return _NewSensor(sensor, label, None if provenance is None else _label(current, provenance, "provenance_label"))


def _read_sensors(current: Cell, name: str, data: bytes) -> list[_NewSensor]:
    """Every sensor of a JSON file, all checked before any is stored (one CliError for the first fault)."""
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CliError(f"{name}: not JSON: {exc}; nothing stored") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items:
        raise CliError(f"{name}: no sensors; nothing stored")
    with current.db.read() as conn:
        stored = all_sensors(conn)
    codes: dict[tuple[int | None, int | None], str] = {
        (r.sensor.sac, r.sensor.sic): r.sensor.id for r in stored.values() if r.sensor.sac is not None
    }
    checked: list[_NewSensor] = []
    ids: set[str] = set()
    for number, item in enumerate(items, 1):
        named = f" ({item['id']})" if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
        where = f"{name}: sensor {number}{named}"
        try:
            new = _checked_sensor(current, item)
            sensor = new.sensor
            if sensor.id in ids:
                raise CliError(f"sensor id {sensor.id} appears twice in the file")
            code = (sensor.sac, sensor.sic)
            if sensor.sac is not None and codes.get(code, sensor.id) != sensor.id:
                raise CliError(f"SAC/SIC {sensor.sac}/{sensor.sic} already belongs to sensor {codes[code]}")
        except CliError as exc:
            raise CliError(f"{where}: {exc.message}; nothing stored") from None
        ids.add(sensor.id)
        if sensor.sac is not None:
            codes[code] = sensor.id
        checked.append(new)
    return checked


@airpicture.group("sensors", short_help="Register and list sensors (AWACS, radars, ADS-B, trackers).")
def sensors_group() -> None:
    """The sensor registry: AWACS, radars, ADS-B receivers, partner trackers."""


@sensors_group.command("add")
@click.argument("file", type=click.File("rb"))
def sensors_add(file: IO[bytes]) -> None:
    """Register (or redefine) the sensors of a JSON file: one object or a list of objects.

    Each object holds a sensor definition (id, member, kind, lat, lon, alt_m, sigma_m; optionally
    sac and sic, range_sigma_m, azimuth_sigma_deg, orbit), the `label` of its data and optionally
    a `provenance_label` (who may learn the sensor contributed; default: the label). Every sensor
    is checked before any is stored: one fault stops the command, naming the sensor.
    """
    current = cell()
    checked = _read_sensors(current, file.name, file.read())
    admins: dict[str, User] = {}
    for member in sorted({new.sensor.member for new in checked}):
        labels = [label for new in checked if new.sensor.member == member for label in (new.label, new.provenance)]
        admins[member] = _administrator(current, member, (label for label in labels if label is not None))
    for new in checked:
        provenance = None if new.provenance is None else new.provenance.text()
        try:
            register_sensor(
                current,
                admins[new.sensor.member],
                new.sensor,
                new.label.text(),
                provenance,
                path="cli: airpicture sensors add",
            )
        except RegistryError as exc:  # a concurrent registration took a SAC/SIC since the check
            raise CliError(f"{file.name}: sensor {new.sensor.id}: {exc}") from None
        click.echo(f"registered {new.sensor.id} ({new.sensor.member} {new.sensor.kind.value})")


@sensors_group.command("list")
@click.option("--member", help="Only this member's sensors.")
def sensors_list(member: str | None) -> None:
    """List registered sensors: id, member, kind, SAC/SIC and data label, tab-separated."""
    current = cell()
    code = _member(current, member) if member else None
    with current.db.read() as conn:
        records = sorted(all_sensors(conn).values(), key=lambda r: r.sensor.id)
        texts = {r.label_id: current.labels.label(conn, r.label_id) for r in records}
    for record in records:
        sensor = record.sensor
        if code is not None and sensor.member != code:
            continue
        sacsic = "-" if sensor.sac is None else f"{sensor.sac}/{sensor.sic}"
        label = texts[record.label_id]
        click.echo(f"{sensor.id}\t{sensor.member}\t{sensor.kind.value}\t{sacsic}\t{label.text() if label else '?'}")


def _polygon(text: str) -> list[tuple[float, float]]:
    """Vertices from ``lat,lon;lat,lon;...``; CliError names the vertex that is wrong."""
    vertices = []
    for number, pair in enumerate((p for p in text.split(";") if p.strip()), 1):
        parts = pair.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise CliError(f"--polygon: vertex {number} {pair.strip()!r} is not LAT,LON in degrees") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise CliError(f"--polygon: vertex {number} {lat},{lon} is not a WGS-84 position")
        vertices.append((lat, lon))
    if len(vertices) < 3:
        raise CliError(
            f"--polygon: an area needs at least three vertices 'lat,lon;lat,lon;lat,lon', not {len(vertices)}"
        )
    return vertices


@airpicture.group("areas", short_help="Define and list withholding areas.")
def areas_group() -> None:
    """Withholding areas: a track inside one also carries the area's label."""


@areas_group.command("add")
@click.argument("area_id", metavar="ID")
@click.option("--polygon", required=True, help="Vertices 'lat,lon;lat,lon;...' in WGS-84 degrees (at least three).")
@click.option(
    "--label", "label_text", required=True, help="Label of tracks inside, e.g. 'NATO SECRET // REL TO LEVANT'."
)
@click.option("--member", default="NATO", show_default=True, help="Member whose administrator defines the area.")
def areas_add(area_id: str, polygon: str, label_text: str, member: str) -> None:
    """Define (or redefine) a withholding area ID."""
    current = cell()
    if not _AREA_ID.match(area_id):
        raise CliError(f"area id {area_id!r} must be 1 to 64 letters, digits, '_', '.' or '-'")
    vertices = _polygon(polygon)
    label = _label(current, label_text, "--label")
    admin = _administrator(current, _member(current, member), [label])
    try:
        register_area(current, admin, area_id, vertices, label.text(), path="cli: airpicture areas add")
    except RegistryError as exc:
        raise CliError(str(exc)) from None
    click.echo(f"defined area {area_id} ({len(vertices)} vertices, {label.text()})")


@areas_group.command("list")
def areas_list() -> None:
    """List withholding areas: id, number of vertices and label, tab-separated."""
    current = cell()
    with current.db.read() as conn:
        areas = all_areas(conn)
        texts = {a.label_id: current.labels.label(conn, a.label_id) for a in areas}
    for record in areas:
        label = texts[record.label_id]
        click.echo(f"{record.area.id}\t{len(record.area.polygon)}\t{label.text() if label else '?'}")


# -- feeds ------------------------------------------------------------------------------------

_REFUSAL = re.compile(r"^plot (\d+): (.*)$", re.DOTALL)


def _utc(t: float) -> str:
    """A UNIX time as ISO 8601 UTC to the millisecond."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _sensor_record(current: Cell, sensor_id: str, member: str | None = None) -> Sensor:
    """A registered sensor (of ``member`` when given), or a CLI error."""
    with current.db.read() as conn:
        record = all_sensors(conn).get(sensor_id)
    if record is None or (member is not None and record.sensor.member != member):
        mine = f" of {member}" if member else ""
        raise CliError(f"no registered sensor {sensor_id!r}{mine}: see `intelcell airpicture sensors list`")
    return record.sensor


def _day_start(day: str | None) -> float:
    """The UNIX time of a UTC day's midnight (``YYYY-MM-DD``; None: today)."""
    if day is None:
        now = time.time()
        return now - now % DAY_S
    try:
        return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise CliError(f"--day {day!r} is not a date YYYY-MM-DD") from None


def _recording(current: Cell, path: Path, fmt: str, sensor_id: str | None, day: str | None) -> Parsed:
    """The plots of a recording file and the messages of what it could not read."""
    try:
        if fmt == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                return read_plots_csv(handle)
        data = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a directory, not a recording") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except FormatError as exc:
        raise CliError(str(exc)) from None
    if fmt == "asterix":
        with current.db.read() as conn:
            known = [r.sensor for r in all_sensors(conn).values()]
        decoded = asterix.decode(data, known, day_start=_day_start(day))
    else:
        assert sensor_id is not None
        # A corrupt byte spoils its line only: the decoder reports that line as not hexadecimal.
        lines = data.decode("ascii", errors="replace").splitlines()
        decoded = ModeSDecoder(_sensor_record(current, sensor_id)).feed(lines)
    return Parsed(decoded.plots, decoded.errors)


def _echo_messages(what: str, messages: list[str], total: int) -> None:
    """The first MAX_MESSAGES messages on stderr, then how many more there were."""
    for message in messages[:MAX_MESSAGES]:
        click.echo(f"{what} {message}", err=True)
    if total > MAX_MESSAGES:
        click.echo(f"{what} {total - MAX_MESSAGES} more", err=True)


@dataclass
class _Tally:
    """What a replay has queued so far, and why plots were refused."""

    queued: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    recording_time: float | None = None


@airpicture.command("replay", short_help="Queue a recorded feed into the live picture, paced by its times.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "asterix", "modes"]),
    default="csv",
    show_default=True,
    help="csv: the plot CSV; asterix: CAT021/048/062 datablocks; modes: TIMESTAMP,HEX lines of one receiver.",
)
@click.option("--sensor", "sensor_id", help="The registered receiver that recorded a Mode S file (--format modes).")
@click.option(
    "--speed",
    type=float,
    default=1.0,
    show_default=True,
    help="Times real time (10: a minute of recording in six seconds); 0: as fast as possible.",
)
@click.option("--now", "as_now", is_flag=True, help="Shift the recording's times so its first plot is now.")
@click.option("--day", help="UTC day of an ASTERIX recording's times of day, YYYY-MM-DD (default: today).")
def replay_command(file: Path, fmt: str, sensor_id: str | None, speed: float, as_now: bool, day: str | None) -> None:
    """Queue a recording's plots into the live picture, paced by their times.

    Plots go in time order, in batches of half a second of recording, so a running
    `intelcell serve` shows them as they would have arrived. Rows or datablocks that cannot be
    read, and plots the inbox refuses (unknown sensor, time going back), are counted and the
    first are listed at the end; the replay goes on. Ctrl-C stops it; a batch is queued whole
    or not at all.
    """
    if not (math.isfinite(speed) and speed >= 0):
        raise CliError(f"--speed must be 0 (as fast as possible) or a positive factor, not {speed}")
    if fmt == "modes" and not sensor_id:
        raise CliError("--format modes needs --sensor: the receiver whose site decodes the positions")
    if fmt != "modes" and sensor_id:
        raise CliError("--sensor is for --format modes; CSV rows and ASTERIX records name their sensor")
    if fmt != "asterix" and day is not None:
        raise CliError("--day is for --format asterix, whose records carry only a time of day")
    current = cell()
    parsed = _recording(current, file, fmt, sensor_id, day)
    run = offline.OfflineRun(skipped=list(parsed.errors))
    plots = offline.in_sensor_order(parsed.plots, run)  # time order; a plot going back on its sensor is skipped
    if as_now and plots:
        # The live picture runs on the wall clock and refuses plots dated more than a minute ahead
        # of it: faster than real time, a shifted recording runs ahead by its span times (1 - 1/speed).
        span = plots[-1].time - plots[0].time
        ahead = span if speed == 0 else span * max(0.0, 1 - 1 / speed)
        if ahead > inbox.MAX_FUTURE_S:
            raise CliError(
                f"--now with --speed {speed:g} would date plots {ahead:.0f} s ahead of the clock by the end "
                f"(the picture refuses more than {inbox.MAX_FUTURE_S:.0f} s): replay at --speed 1, or without --now"
            )
        plots = replay.shifted(plots, time.time())
    if not plots:
        _echo_messages("skipped", run.skipped, len(run.skipped))
        raise CliError(f"{file}: no plots to replay ({len(run.skipped)} skipped)")
    tally = _Tally()
    progress = replay.Every(1.0)
    pace = "as fast as possible" if speed == 0 else f"speed {speed:g}x"
    started = time.monotonic()

    def send(batch: list[Plot]) -> None:
        report = _queue_waiting(current, batch, progress)
        tally.queued += report.stored
        tally.refused += len(report.refused)
        for reason in report.refused[: MAX_MESSAGES - len(tally.refusals)]:
            tally.refusals.append(_described(reason, batch))
        tally.recording_time = batch[-1].time
        if progress():
            click.echo(
                f"replay: {tally.queued} plots queued, {tally.refused} refused, at {_utc(batch[-1].time)}, {pace}",
                err=True,
            )

    interrupted = False
    try:
        replay.play(plots, send, replay.Pacer(speed))
    except KeyboardInterrupt:  # the batch in flight is one transaction: queued whole or not at all
        interrupted = True
    _echo_messages("skipped", run.skipped, len(run.skipped))  # at the end, where a long replay's user looks
    _echo_messages("refused", tally.refusals, tally.refused)
    stopped = ""
    if interrupted:
        at = "before the first batch" if tally.recording_time is None else f"at {_utc(tally.recording_time)}"
        stopped = f"; stopped by Ctrl-C {at}"
    click.echo(
        f"{file}: {tally.queued} plots queued, {tally.refused} refused, {len(run.skipped)} skipped, "
        f"{pace}, in {time.monotonic() - started:.1f} s{stopped}"
    )
    if interrupted:
        sys.exit(130)  # the shell's code for a command ended by Ctrl-C: the recording was not all sent


def _queue_waiting(current: Cell, batch: list[Plot], progress: replay.Every) -> inbox.Accepted:
    """Queue a batch, waiting while the inbox is full (the tracker catches up; nothing is dropped)."""
    while True:
        try:
            return inbox.accept(current, None, batch, received_at=time.time())
        except inbox.InboxFull as exc:
            if progress():
                click.echo(f"replay: waiting: {exc}", err=True)
            time.sleep(1.0)


def _described(reason: str, batch: list[Plot]) -> str:
    """An inbox refusal named by the plot's time and sensor instead of its index in the batch."""
    found = _REFUSAL.match(reason)
    if found is None or int(found[1]) >= len(batch):
        return reason
    plot = batch[int(found[1])]
    return f"plot at {_utc(plot.time)} from {plot.sensor}: {found[2]}"


class _EchoHandler(logging.Handler):
    """Log records on stderr as ``listen: MESSAGE``."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one record."""
        click.echo(f"listen: {record.getMessage()}", err=True)


@airpicture.command("listen", short_help="Queue a live UDP feed (ASTERIX or Mode S) into the live picture.")
@click.option(
    "--udp", "address", required=True, help="HOST:PORT to receive datagrams on ([::1]:PORT for IPv6; PORT: 127.0.0.1)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["asterix", "modes"]),
    default="asterix",
    show_default=True,
    help="asterix: a datagram holds CAT021/048/062 datablocks; modes: TIMESTAMP,HEX lines of one receiver.",
)
@click.option(
    "--sensor", "sensor_id", help="modes: the receiver (required); asterix: accept only this sensor's SAC/SIC."
)
@click.option("--member", help="Queue only plots of this member's sensors (default: any registered sensor).")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Listen on a non-loopback address. UDP has no authentication: anyone who reaches the port can inject plots.",
)
@click.option("--duration", type=float, help="Stop after this many seconds (default: run until Ctrl-C).")
def listen_command(
    address: str, fmt: str, sensor_id: str | None, member: str | None, allow_remote: bool, duration: float | None
) -> None:
    """Receive a live feed over UDP and queue its plots into the live picture.

    Datagrams are decoded as they arrive and their plots queued every 50 ms (or 1,000 plots).
    Datagrams that do not decode are counted and logged, never fatal; counts are printed every
    10 s while datagrams arrive, and at the end. Ctrl-C stops the listener after queueing what
    it has received.
    """
    try:
        host, port = listener.parse_address(address)
        loopback = listener.is_loopback(host)
    except listener.ListenerError as exc:
        raise CliError(f"--udp {exc}") from None
    if not loopback and not allow_remote:
        raise CliError(
            f"refusing to listen on {host}: not a loopback address, and UDP has no authentication "
            "(anyone who reaches the port could inject plots); relay remote feeds to loopback, "
            "or pass --allow-remote"
        )
    if fmt == "modes" and not sensor_id:
        raise CliError("--format modes needs --sensor: the receiver whose site decodes the positions")
    if duration is not None and not (math.isfinite(duration) and duration > 0):
        raise CliError(f"--duration must be a positive number of seconds, not {duration}")
    current = cell()
    code = _member(current, member) if member else None
    chosen = _sensor_record(current, sensor_id, code) if sensor_id else None
    decoder = (
        listener.modes_decoder(chosen)
        if fmt == "modes" and chosen
        else listener.asterix_decoder(listener.Refreshing(lambda: _listened_sensors(current, code, sensor_id)))
    )

    def sink(plots: list[Plot]) -> inbox.Accepted:
        return inbox.accept(current, code, plots, received_at=time.time())

    last: list[listener.ListenerStats] = [listener.ListenerStats()]

    def report(stats: listener.ListenerStats) -> None:
        if stats != last[0]:  # an idle listener stays quiet instead of repeating the same counts
            click.echo(f"listen: {stats.line()}", err=True)
        last[0] = stats

    udp = listener.UdpListener(host, port, decoder, sink, on_report=report)
    logger = logging.getLogger(listener.__name__)
    handler, propagate = _EchoHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # once on stderr, not again through a root handler
    try:
        try:
            bound_host, bound_port = udp.start()
        except listener.ListenerError as exc:
            raise CliError(str(exc)) from None
        whose = f"{code}'s sensors" if code else "any registered sensor"
        if sensor_id:
            whose = f"sensor {sensor_id}"
        click.echo(f"listen: {fmt} on udp {bound_host}:{bound_port} for {whose}; Ctrl-C stops", err=True)
        started = time.monotonic()
        try:
            while duration is None or time.monotonic() - started < duration:
                time.sleep(0.1)
        except KeyboardInterrupt:  # the normal way to end a listener: what was received is still queued
            pass
        final = udp.stop()
        click.echo(f"udp {bound_host}:{bound_port}: {final.line()} in {time.monotonic() - started:.1f} s")
    finally:
        udp.stop()
        logger.removeHandler(handler)
        logger.propagate = propagate


def _listened_sensors(current: Cell, member: str | None, sensor_id: str | None) -> list[Sensor]:
    """The registered sensors a listener decodes: of ``member`` and only ``sensor_id`` when given."""
    with current.db.read() as conn:
        records = all_sensors(conn).values()
    return [
        r.sensor
        for r in records
        if (member is None or r.sensor.member == member) and (sensor_id is None or r.sensor.id == sensor_id)
    ]
