"""ASTERIX in and out: CAT021, CAT048 and CAT062 records to plots, our system tracks to CAT062.

Parsing is libasterix's (issue 5, item 2); this module maps its items to the plot contract of
DESIGN.md section 4 and explains, record by record, what it had to skip. Export packs the few
CAT062 items we send directly, in the FSPEC order of libasterix's edition, because building
libasterix records costs about a millisecond each; the tests compare the bytes with libasterix's.

A datagram holds datablocks (``CAT | LEN | records``); a datablock whose length field is wrong
ends the datagram, because nothing marks where the next one starts, and a record that does
not parse ends its datablock for the same reason (records carry no length of their own).
"""

from __future__ import annotations

import math
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import asterix.generated as gen
from asterix.base import Bits, ParsingMode, UapItem

from intelcell.domain.airpicture.geo import polar_sigma_m, polar_to_wgs84
from intelcell.domain.airpicture.model import Plot, PlotError, TrackState
from intelcell.domain.airpicture.sensor import Sensor

# The newest editions libasterix 0.36 ships; encode writes these and decode reads with them.
CAT021: TypeAlias = gen.Cat_021_2_7
CAT048: TypeAlias = gen.Cat_048_1_32
CAT062: TypeAlias = gen.Cat_062_1_21
INGESTED = (21, 48, 62)

FOOT_M = 0.3048
NM_M = 1852.0
DAY_S = 86_400.0
MAX_DATABLOCK = 65_535  # the length field is 16 bits and counts the 3-byte header
MAX_ERRORS = 1_000  # a flood of garbage is counted in full but listed only this far

# DO-260B navigation accuracy category for position: the 95 % bound on the horizontal
# position error (EPU), metres; 0 means unknown and 12-15 are reserved.
NACP_EPU_M = {
    1: 18_520.0,
    2: 7_408.0,
    3: 3_704.0,
    4: 1_852.0,
    5: 926.0,
    6: 555.6,
    7: 185.2,
    8: 92.6,
    9: 30.0,
    10: 10.0,
    11: 3.0,
}

Record021: TypeAlias = CAT021.cv_record
Record048: TypeAlias = CAT048.cv_record
Record062: TypeAlias = CAT062.cv_record


@dataclass
class Decoded:
    """What one decode produced: plots, one message per faulty input skipped, and counts by outcome.

    ``counts`` holds ``datablocks``, ``records`` (or ``lines`` and ``messages`` for Mode S) and
    ``plots``, and one key per kind of skip (``truncated``, ``unknown_category``,
    ``unknown_sensor``, ``impossible_plot``, ...). Benign skips such as a CAT062 track's end
    message are counted without a message.
    """

    plots: list[Plot] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        """How many inputs were skipped as faulty (the errors, including those past MAX_ERRORS)."""
        return self.counts["faulty"]

    def skip(self, kind: str, message: str) -> None:
        """Count a faulty input of ``kind`` and keep its message (up to MAX_ERRORS messages)."""
        self.counts[kind] += 1
        self.counts["faulty"] += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append(f"more than {MAX_ERRORS} errors: the rest are counted, not listed")

    def add(self, plot: Plot) -> None:
        """Keep a decoded plot."""
        self.plots.append(plot)
        self.counts["plots"] += 1


def sigma_from_nacp(nacp: int | None) -> float | None:
    """One-sigma horizontal error of an ADS-B position from its NACp (EPU / 2), None when unknown."""
    epu = NACP_EPU_M.get(nacp) if nacp is not None else None
    return None if epu is None else epu / 2


class _Skip(Exception):
    """A record that yields no plot; ``kind`` is its count key, the message says why."""

    def __init__(self, kind: str, message: str, *, faulty: bool = True) -> None:
        super().__init__(message)
        self.kind = kind
        self.faulty = faulty


class _TimeOfDay:
    """Turns ASTERIX times of day (seconds since UTC midnight) into UNIX times across midnight.

    A time of day names a moment only up to whole days. Each one is put on the day that brings
    it nearest the reference: the reception time when the caller knows it (live feeds), else the
    previous record's time, so a record stamped 00:00:01 after one stamped 23:59:59 lands on the
    next day instead of 24 hours back.
    """

    def __init__(self, day_start: float, now: float | None) -> None:
        self.day_start = day_start
        self.now = now
        self.reference = now

    def unix(self, tod: float, item: str) -> float:
        # 86,401 s leaves room for a leap second; beyond it the 24-bit field is corrupt.
        if not 0.0 <= tod < DAY_S + 1:
            raise _Skip("bad_time", f"time of day {tod:.3f} s ({item}) is not within one day")
        t = self.day_start + tod
        if self.reference is not None and math.isfinite(self.reference):
            t += round((self.reference - t) / DAY_S) * DAY_S
        if self.now is None:
            self.reference = t
        return t


@dataclass
class _Context:
    sensors: dict[tuple[int, int], Sensor]
    clock: _TimeOfDay

    def sensor(self, sac: int, sic: int) -> Sensor:
        found = self.sensors.get((sac, sic))
        if found is None:
            raise _Skip("unknown_sensor", f"SAC/SIC {sac}/{sic} is not a registered sensor")
        return found


def decode(data: bytes, sensors: Sequence[Sensor], *, day_start: float, now: float | None = None) -> Decoded:
    """Plots from ASTERIX CAT021, CAT048 and CAT062 datablocks; never raises, explains every skip.

    ``day_start`` is the UNIX time of the UTC midnight of the data's day; ``now``, when given, is
    the reception time and settles on which day each time of day falls (see ``_TimeOfDay``).
    """
    out = Decoded()
    # Reversed, so that of two sensors registered with one SAC/SIC the first is the one used.
    codes = {(s.sac, s.sic): s for s in reversed(sensors) if s.sac is not None and s.sic is not None}
    context = _Context(codes, _TimeOfDay(day_start, now))
    offset, number = 0, 0
    while offset < len(data):
        number += 1
        where = f"datablock {number} at byte {offset}"
        remain = len(data) - offset
        if remain < 3:
            out.skip("truncated", f"{where}: truncated: {remain} bytes remain, less than the 3-byte header")
            break
        category, length = data[offset], int.from_bytes(data[offset + 1 : offset + 3], "big")
        if length < 3:
            out.skip(
                "bad_length",
                f"{where}: length field says {length} bytes, less than its own 3-byte header; "
                f"the remaining {remain} bytes are skipped",
            )
            break
        if length > remain:
            out.skip("truncated", f"{where}: truncated: length field says {length} bytes, {remain} remain")
            break
        out.counts["datablocks"] += 1
        if category in INGESTED:
            _decode_records(category, data[offset + 3 : offset + length], offset, context, out)
        else:
            out.skip("unknown_category", f"{where}: category {category} is not ingested (only 21, 48 and 62)")
        offset += length
    return out


def _decode_records(category: int, body: bytes, offset: int, context: _Context, out: Decoded) -> None:
    spec: Any = {21: CAT021, 48: CAT048, 62: CAT062}[category]
    bits = Bits.from_bytes(body)
    index = 0
    while len(bits):
        index += 1
        where = f"record {index} of CAT{category:03d} datablock at byte {offset}"
        try:
            parsed: Any = spec.cv_record.parse(ParsingMode.StrictParsing, bits)
        except Exception as exc:  # libasterix reports bad input as a returned ValueError; this is its fallback
            parsed = ValueError(f"{type(exc).__name__}: {exc}")
        if isinstance(parsed, ValueError):
            reason = " ".join(str(arg) for arg in parsed.args)
            out.skip(
                "corrupt_record",
                f"{where}: cannot be parsed as CAT{category:03d} edition "
                f"{'.'.join(map(str, spec.cv_edition))} ({reason}); the last {len(bits) // 8} bytes "
                "of the datablock are skipped",
            )
            return
        record, bits = parsed
        out.counts["records"] += 1
        try:
            if category == 21:
                plot = _plot_from_cat021(record, context)
            elif category == 48:
                plot = _plot_from_cat048(record, context)
            else:
                plot = _plot_from_cat062(record, context)
        except _Skip as skip:
            if skip.faulty:
                out.skip(skip.kind, f"{where}: {skip}")
            else:
                out.counts[skip.kind] += 1
        except PlotError as exc:
            out.skip("impossible_plot", f"{where}: {exc}")
        except Exception as exc:  # a live feed must outlive a decoding bug; counted apart so it is seen
            out.skip("internal_error", f"{where}: internal error {type(exc).__name__}: {exc}")
        else:
            out.add(plot)


def _callsign(text: str) -> str | None:
    callsign = text.strip().upper()
    return callsign or None


def _validated(group: Any) -> bool:
    # V (bit 16) set means not validated, G (bit 15) garbled: such a code or level is no evidence.
    return bool(group.get_item("V").as_uint() == 0 and group.get_item("G").as_uint() == 0)


def _require(item: Any, what: str) -> Any:
    if item is None:
        raise _Skip("missing_item", f"no {what}")
    return item


def _plot_from_cat021(record: Record021, context: _Context) -> Plot:
    source = _require(record.get_item("010"), "data source identification (I021/010)").variation
    sensor = context.sensor(source.get_item("SAC").as_uint(), source.get_item("SIC").as_uint())

    hires, lores = record.get_item("131"), record.get_item("130")
    if hires is not None:
        lat = hires.variation.get_item("LAT").variation.content.as_quantity("°")
        lon = hires.variation.get_item("LON").variation.content.as_quantity("°")
    elif lores is not None:
        lat = lores.variation.get_item("LAT").variation.content.as_quantity("°")
        lon = lores.variation.get_item("LON").variation.content.as_quantity("°")
    else:
        raise _Skip("no_position", "no WGS-84 position (I021/130 or I021/131)")

    # Applicability of the position first; reception times are what a ground station has otherwise.
    for name in ("071", "073", "075", "077"):
        stamp = record.get_item(name)
        if stamp is not None:
            time = context.clock.unix(stamp.variation.content.as_quantity("s"), f"I021/{name}")
            break
    else:
        raise _Skip("no_time", "no time of applicability or reception (I021/071, 073, 075 or 077)")

    alt_m = None
    height, level = record.get_item("140"), record.get_item("145")
    # 0x7FFF in I021/140 means "above the range", not a height.
    if height is not None and height.variation.as_uint() != 0x7FFF:
        alt_m = height.variation.content.as_quantity("ft") * FOOT_M
    elif level is not None:
        alt_m = level.variation.content.as_quantity("FL") * 100 * FOOT_M

    icao24 = None
    address, descriptor = record.get_item("080"), record.get_item("040")
    # Only a 24-bit ICAO address names the airframe; duplicate, surface and anonymous ones do not.
    if address is not None and (descriptor is None or descriptor.variation.get_item("ATP").as_uint() == 0):
        icao24 = f"{address.variation.as_uint():06x}"

    mode3a = None
    code = record.get_item("070")
    if code is not None:
        mode3a = code.variation.get_item("MODE3A").variation.content.as_string()

    callsign = None
    ident = record.get_item("170")
    if ident is not None:
        callsign = _callsign(ident.variation.content.as_string())

    sigma = None
    quality = record.get_item("090")
    if quality is not None:
        nacp = quality.variation.get_item("NACP")
        sigma = sigma_from_nacp(nacp.as_uint() if nacp is not None else None)

    return Plot(
        time=time,
        sensor=sensor.id,
        lat=lat,
        lon=lon,
        alt_m=alt_m,
        sigma_m=sigma or sensor.sigma_m,
        mode3a=mode3a,
        icao24=icao24,
        callsign=callsign,
    )


def _plot_from_cat048(record: Record048, context: _Context) -> Plot:
    source = _require(record.get_item("010"), "data source identifier (I048/010)").variation
    sensor = context.sensor(source.get_item("SAC").as_uint(), source.get_item("SIC").as_uint())
    stamp = _require(record.get_item("140"), "time of day (I048/140)")
    time = context.clock.unix(stamp.variation.content.as_quantity("s"), "I048/140")
    polar = record.get_item("040")
    if polar is None:
        raise _Skip("no_position", "no polar position (I048/040)")
    rho_m = polar.variation.get_item("RHO").variation.content.as_quantity("NM") * NM_M
    theta = polar.variation.get_item("THETA").variation.content.as_quantity("°")

    alt_m = None
    level = record.get_item("090")
    if level is not None and _validated(level.variation):
        alt_m = level.variation.get_item("FL").variation.content.as_quantity("FL") * 100 * FOOT_M
    mode3a = None
    code = record.get_item("070")
    if code is not None and _validated(code.variation):
        mode3a = code.variation.get_item("MODE3A").variation.content.as_string()

    address = record.get_item("220")
    ident = record.get_item("240")
    lat, lon = polar_to_wgs84(sensor.lat, sensor.lon, sensor.alt_m, rho_m, theta, alt_m)
    return Plot(
        time=time,
        sensor=sensor.id,
        lat=lat,
        lon=lon,
        alt_m=alt_m,
        sigma_m=polar_sigma_m(rho_m, sensor.range_sigma_m, sensor.azimuth_sigma_deg),
        mode3a=mode3a,
        icao24=f"{address.variation.as_uint():06x}" if address is not None else None,
        callsign=_callsign(ident.variation.content.as_string()) if ident is not None else None,
    )


def _plot_from_cat062(record: Record062, context: _Context) -> Plot:
    source = _require(record.get_item("010"), "data source identifier (I062/010)").variation
    sensor = context.sensor(source.get_item("SAC").as_uint(), source.get_item("SIC").as_uint())
    number = record.get_item("040")
    track = f"track {number.variation.as_uint()}" if number is not None else "a track"

    # Another tracker's tracks count as measurements only while they are measured: a coasted
    # position is that tracker's prediction, and an end-of-track message repeats the last one.
    status = record.get_item("080")
    if status is not None:
        ended, coasted = status.variation.get_item("TSE"), status.variation.get_item("CST")
        if ended is not None and ended.as_uint() == 1:
            raise _Skip("track_ended", f"{track} ended (I062/080 TSE)", faulty=False)
        if coasted is not None and coasted.as_uint() == 1:
            raise _Skip("coasted", f"{track} is coasting (I062/080 CST)", faulty=False)

    stamp = _require(record.get_item("070"), "time of track information (I062/070)")
    time = context.clock.unix(stamp.variation.content.as_quantity("s"), "I062/070")
    position = record.get_item("105")
    if position is None:
        raise _Skip("no_position", "no WGS-84 position (I062/105); cartesian I062/100 is not read")
    lat = position.variation.get_item("LAT").variation.content.as_quantity("°")
    lon = position.variation.get_item("LON").variation.content.as_quantity("°")

    alt_m = None
    geometric, measured = record.get_item("130"), record.get_item("136")
    if geometric is not None:
        alt_m = geometric.variation.content.as_quantity("ft") * FOOT_M
    elif measured is not None:
        alt_m = measured.variation.content.as_quantity("FL") * 100 * FOOT_M

    mode3a = None
    code = record.get_item("060")
    if code is not None and _validated(code.variation):
        mode3a = code.variation.get_item("MODE3A").variation.content.as_string()

    icao24 = callsign = None
    derived = record.get_item("380")
    if derived is not None:
        address, ident = derived.variation.get_item("ADR"), derived.variation.get_item("ID")
        if address is not None:
            icao24 = f"{address.variation.as_uint():06x}"
        if ident is not None:
            callsign = _callsign(ident.variation.content.as_string())

    sigma = None
    accuracy = record.get_item("500")
    if accuracy is not None:
        apc = accuracy.variation.get_item("APC")
        if apc is not None:
            # The larger axis, as for radar plots: the tracker takes one circular sigma.
            sigma = max(
                apc.variation.get_item("X").variation.content.as_quantity("m"),
                apc.variation.get_item("Y").variation.content.as_quantity("m"),
            )

    return Plot(
        time=time,
        sensor=sensor.id,
        lat=lat,
        lon=lon,
        alt_m=alt_m,
        sigma_m=sigma or sensor.sigma_m,
        mode3a=mode3a,
        icao24=icao24,
        callsign=callsign,
    )


def _clamp(value: float, low: float, high: float) -> float:
    # A quantity beyond its field would wrap around (libasterix does the same); saturate instead.
    return min(max(value, low), high)


# Where each CAT062 item sits in the record's FSPEC, read from libasterix's UAP of the edition.
_FRN062 = {
    entry.cv_non_spare.cv_name: frn
    for frn, entry in enumerate(CAT062.cv_record.cv_items_list, 1)
    if issubclass(entry, UapItem)
}
_LSB_WGS84 = 180 / 2**25  # I062/105
_ICAO_CHARS = (
    {c: i + 1 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {" ": 32} | {str(d): 48 + d for d in range(10)}
)


def _fspec(frns: list[int]) -> bytes:
    octets = bytearray((max(frns) + 6) // 7)
    for frn in frns:
        octets[(frn - 1) // 7] |= 0x80 >> ((frn - 1) % 7)
    for index in range(len(octets) - 1):
        octets[index] |= 1  # FX: another octet follows
    return bytes(octets)


def _cat062_record(track: TrackState, sac: int, sic: int, day_start: float) -> bytes:
    """One CAT062 record, packed item by item; tests hold it byte for byte to libasterix's encoder.

    Packing directly is some 50 times faster than building libasterix records, which a feed of
    1,000 tracks a second to several partners needs (bench/asterix_speed.py).
    """
    numbers = (track.time, track.lat, track.lon, track.vel_e_mps, track.vel_n_mps, track.sigma_m)
    if not all(math.isfinite(x) for x in numbers) or abs(track.lat) > 90 or abs(track.lon) > 180:
        raise ValueError(f"track {track.track_number} has a non-finite or impossible state: {numbers}")
    tod = (track.time - day_start) % DAY_S
    raw_tod = round(tod * 128)
    if raw_tod >= DAY_S * 128:  # rounds up to midnight: that is 0 of the next day
        raw_tod = 0
    sigma = round(_clamp(track.sigma_m, 0.0, 32_767.5) / 0.5)
    # I062/080 first octet: MON (one contributing sensor), SPI, MRH = 1 (the height we send is
    # geometric), SRC, CNF, FX; a deleted track's second octet sets TSE, "last message".
    status = (0x80 if len(track.sensors) <= 1 else 0) | 0x20
    items = {
        "010": bytes((sac, sic)),
        "070": raw_tod.to_bytes(3, "big"),
        "105": struct.pack(">ii", round(track.lat / _LSB_WGS84), round(track.lon / _LSB_WGS84)),
        "185": struct.pack(
            ">hh",
            round(_clamp(track.vel_e_mps, -8192.0, 8191.75) / 0.25),
            round(_clamp(track.vel_n_mps, -8192.0, 8191.75) / 0.25),
        ),
        # The tracker numbers tracks 1..65535 (I062/040 is 16 bits); the mask only guards the field.
        "040": struct.pack(">H", track.track_number & 0xFFFF),
        "080": bytes((status | 1, 0x40)) if track.deleted else bytes((status,)),
        "500": b"\x80" + struct.pack(">HH", sigma, sigma),  # APC only, the same on both axes
    }
    if track.mode3a is not None:
        items["060"] = struct.pack(">H", int(track.mode3a, 8))  # V, G, CH = 0: validated, unchanged
    if track.icao24 is not None or track.callsign is not None:
        # I062/380 FSPEC: ADR (target address) and ID (target identification) are its first two subfields.
        derived = bytearray(((0x80 if track.icao24 is not None else 0) | (0x40 if track.callsign is not None else 0),))
        if track.icao24 is not None:
            derived += int(track.icao24, 16).to_bytes(3, "big")
        if track.callsign is not None:
            code = 0
            for char in track.callsign[:8].ljust(8):
                code = code << 6 | _ICAO_CHARS.get(char, 0)
            derived += code.to_bytes(6, "big")
        items["380"] = bytes(derived)
    if track.alt_m is not None and math.isfinite(track.alt_m):
        items["130"] = struct.pack(">h", round(_clamp(track.alt_m / FOOT_M, -204_800.0, 204_793.75) / 6.25))
    order = sorted(items, key=_FRN062.__getitem__)
    return _fspec([_FRN062[name] for name in order]) + b"".join(items[name] for name in order)


def encode_cat062(tracks: Iterable[TrackState], *, sac: int, sic: int, day_start: float) -> bytes:
    """Our system tracks as CAT062 datablocks, split so that none exceeds 65,535 bytes."""
    blocks: list[bytes] = []
    batch: list[bytes] = []
    size = 3
    for track in tracks:
        record = _cat062_record(track, sac, sic, day_start)
        if batch and size + len(record) > MAX_DATABLOCK:
            blocks.append(bytes((62,)) + size.to_bytes(2, "big") + b"".join(batch))
            batch, size = [], 3
        batch.append(record)
        size += len(record)
    if batch:
        blocks.append(bytes((62,)) + size.to_bytes(2, "big") + b"".join(batch))
    return b"".join(blocks)
