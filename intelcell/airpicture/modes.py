"""Raw Mode S and ADS-B (1090 MHz) from one receiver to plots, decoded by rs1090.

Input lines are ``TIMESTAMP,HEXMESSAGE``: UNIX seconds, then a 14-character (56-bit) or
28-character (112-bit) message. Airborne positions (DF17, and DF18 with an aircraft address,
type codes 9-18 and 20-22) become plots; identification (TC 1-4), the Mode 3/A code (DF5 and
DF21 replies, TC 28) and NACp (TC 29 and 31) are kept per aircraft and go with its later plots.

Positions are compact (CPR): an aircraft's first fix comes from an even and an odd frame at most
10 s apart (globally unambiguous decoding, which holds at any range, where decoding around the
receiver would only hold within 180 NM of it); later frames are decoded locally around the
aircraft's own last fix. rs1090 does both; this module keeps the per-aircraft state between
calls, so a live feed can be decoded line by line. A fix beyond 600 km of the receiver, or one
that moves faster than any aircraft from the last, is a decoding error: it is rejected and the
aircraft waits for a new pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rs1090

from intelcell.airpicture.asterix import FOOT_M, Decoded, sigma_from_nacp
from intelcell.domain.airpicture.geo import distance_m
from intelcell.domain.airpicture.model import Plot, PlotError
from intelcell.domain.airpicture.sensor import Sensor

MAX_RANGE_M = 600_000.0  # beyond radio line of sight of any receiver: a decoding error
PAIR_S = 10.0  # even and odd frames further apart than this may not be combined (DO-260B)
LOCAL_S = 60.0  # a fix this recent is a safe reference: local decoding holds within 180 NM of it
MAX_SPEED_MPS = 1_000.0  # faster than any aircraft: a jump means a wrong reference
JUMP_SLACK_M = 2_000.0
STATE_S = 600.0  # an aircraft not heard for this long is forgotten

_HEX = re.compile(r"[0-9a-f]+")
_SQUAWK = re.compile(r"[0-7]{4}")
_CALLSIGN = re.compile(r"[A-Z0-9 ]{1,8}")
_POSITION_TC = frozenset(range(9, 19)) | frozenset(range(20, 23))
# DF18 control field values that carry the aircraft's own ADS-B (non-transponder devices); the
# others are TIS-B and ADS-R, a ground station rebroadcasting someone else's surveillance.
_OWN_ADSB = {"ADSB_ES_NT": True, "ADSB_ES_NT_ALT": False}  # value: the address is an ICAO 24-bit one


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc = (crc << 1) ^ 0xFFF409 if crc & 0x800000 else crc << 1
        table.append(crc & 0xFFFFFF)
    return table


_CRC_TABLE = _crc_table()


def parity_ok(message: bytes) -> bool:
    """Whether the last 24 bits of a DF17/DF18 message are the Mode S parity of the rest (ICAO Annex 10)."""
    crc = 0
    for byte in message[:-3]:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC_TABLE[((crc >> 16) ^ byte) & 0xFF]
    return crc == int.from_bytes(message[-3:], "big")


def _decode(hexmsg: str, reference: tuple[float, float] | None = None) -> dict[str, Any] | None:
    # rs1090's stubs promise a message; it gives None for a frame it cannot read.
    message: Any = rs1090.decode(hexmsg, reference=reference)
    return message if isinstance(message, dict) else None


def _decode_pair(earlier: tuple[float, str], later: tuple[float, str]) -> dict[str, Any] | None:
    # The vectorised call pairs even and odd frames (globally unambiguous decoding).
    messages: Any = rs1090.decode([earlier[1], later[1]], [earlier[0], later[0]])
    last = messages[-1] if messages else None
    return last if isinstance(last, dict) and last.get("frame") == later[1] else None


@dataclass
class _Aircraft:
    """What one receiver knows of one aircraft between its messages."""

    seen: float
    frame: tuple[float, str, bool] | None = None  # the last position frame: time, hex, odd
    fix: tuple[float, float, float] | None = None  # the last accepted position: time, lat, lon
    callsign: str | None = None
    squawk: str | None = None
    sigma_m: float | None = None


class ModeSDecoder:
    """Decodes one receiver's messages into plots, keeping each aircraft's state between calls."""

    def __init__(self, sensor: Sensor) -> None:
        self.sensor = sensor
        self.aircraft: dict[str, _Aircraft] = {}
        self._pruned = -math.inf

    def feed(self, lines: Iterable[str]) -> Decoded:
        """Plots from ``TIMESTAMP,HEX`` lines; never raises, explains every line it skips."""
        out = Decoded()
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            out.counts["lines"] += 1
            try:
                self._line(number, text, out)
            except PlotError as exc:
                out.skip("impossible_plot", f"line {number}: {exc}")
            except Exception as exc:  # a live feed must outlive a decoding bug; counted apart so it is seen
                out.skip("internal_error", f"line {number}: internal error {type(exc).__name__}: {exc}")
        return out

    def _line(self, number: int, text: str, out: Decoded) -> None:
        stamp, comma, hexmsg = text.partition(",")
        if not comma:
            out.skip("bad_line", f"line {number}: expected TIMESTAMP,HEXMESSAGE, got {text[:60]!r}")
            return
        try:
            time = float(stamp)
        except ValueError:
            time = math.nan
        if not (math.isfinite(time) and time >= 0):
            out.skip("bad_time", f"line {number}: timestamp {stamp.strip()[:30]!r} is not a UNIX time")
            return
        # dump1090's raw format wraps the message as *HEX; and is accepted as well.
        hexmsg = hexmsg.strip().removeprefix("*").removesuffix(";").lower()
        if not _HEX.fullmatch(hexmsg):
            out.skip("bad_hex", f"line {number}: message {hexmsg[:40]!r} is not hexadecimal")
            return
        if len(hexmsg) not in (14, 28):
            out.skip(
                "bad_length",
                f"line {number}: {len(hexmsg)} hex characters; a Mode S message has 14 (56 bits) or 28 (112 bits)",
            )
            return
        df = int(hexmsg[:2], 16) >> 3
        # Downlink formats 0-15 are 56-bit replies, 16 and above 112-bit (ICAO Annex 10, vol. IV).
        if len(hexmsg) * 4 != (112 if df >= 16 else 56):
            out.skip(
                "bad_length", f"line {number}: DF{df} is a {112 if df >= 16 else 56}-bit message, not {len(hexmsg) * 4}"
            )
            return
        out.counts["messages"] += 1
        self._prune(time)
        if df in (17, 18):
            # rs1090 0.7 leaves DF18 unchecked; a noisy receiver produces many such frames.
            if not parity_ok(bytes.fromhex(hexmsg)):
                out.skip("crc", f"line {number}: DF{df} parity check failed (address {hexmsg[2:8]} if any)")
                return
            self._squitter(number, time, df, hexmsg, out)
        elif df in (5, 21):
            message = _decode(hexmsg)
            # The address of a reply is recovered from its parity, so a corrupt reply yields a
            # random one; its code only reaches plots of an aircraft a checked squitter named.
            if message is not None and _SQUAWK.fullmatch(str(message.get("squawk"))):
                self._of(str(message["icao24"]), time).squawk = str(message["squawk"])
        else:
            out.counts["unused"] += 1

    def _squitter(self, number: int, time: float, df: int, hexmsg: str, out: Decoded) -> None:
        icao = hexmsg[2:8]
        tc = int(hexmsg[8:10], 16) >> 3
        known = self.aircraft.get(icao)
        reference: tuple[float, float] | None = None
        if tc in _POSITION_TC and known is not None and known.fix is not None and abs(time - known.fix[0]) <= LOCAL_S:
            reference = (known.fix[1], known.fix[2])
        message = _decode(hexmsg, reference)
        if message is None:
            out.skip("undecodable", f"line {number}: DF{df} message from {icao} is not decodable")
            return
        own_address = True
        if df == 18:
            control = message.get("tisb")
            if control not in _OWN_ADSB:
                out.counts["tisb"] += 1
                return
            own_address = _OWN_ADSB[control]
        aircraft = self._of(icao, time)
        bds = message.get("bds")
        if bds == "05" and message.get("tc") in _POSITION_TC:
            self._position(number, time, hexmsg, message, aircraft, own_address, out)
        elif bds == "08":
            callsign = str(message.get("callsign", "")).strip().upper()
            if _CALLSIGN.fullmatch(callsign):
                aircraft.callsign = callsign
            else:
                out.counts["bad_callsign"] += 1
        elif bds == "61" and isinstance(message.get("squawk"), str) and _SQUAWK.fullmatch(message["squawk"]):
            aircraft.squawk = message["squawk"]
        elif bds in ("62", "65") and isinstance(message.get("NACp"), int):
            aircraft.sigma_m = sigma_from_nacp(message["NACp"])
        else:
            out.counts["unused"] += 1

    def _position(
        self,
        number: int,
        time: float,
        hexmsg: str,
        message: dict[str, Any],
        aircraft: _Aircraft,
        own_address: bool,
        out: Decoded,
    ) -> None:
        icao, odd = message["icao24"], message.get("parity") == "odd"
        where = f"line {number}: position of {icao}"
        previous, aircraft.frame = aircraft.frame, (time, hexmsg, odd)
        local = "latitude" in message
        if local:
            lat, lon = message["latitude"], message["longitude"]
        elif previous is not None and previous[2] != odd and 0.0 <= time - previous[0] <= PAIR_S:
            latest = _decode_pair((previous[0], previous[1]), (time, hexmsg))
            if latest is None or "latitude" not in latest:
                out.counts["awaiting_pair"] += 1
                return
            lat, lon = latest["latitude"], latest["longitude"]
        else:
            out.counts["awaiting_pair"] += 1
            return
        lon = (lon + 180.0) % 360.0 - 180.0  # local decoding near the antimeridian can step past it

        site = self.sensor
        range_m = distance_m(site.lat, site.lon, lat, lon)
        if range_m > MAX_RANGE_M:
            aircraft.fix = None
            out.skip(
                "out_of_range",
                f"{where} decodes to {lat:.4f}, {lon:.4f}, {range_m / 1000:.0f} km from receiver {site.id}: "
                f"beyond {MAX_RANGE_M / 1000:.0f} km",
            )
            return
        if local and aircraft.fix is not None:
            jump, elapsed = distance_m(aircraft.fix[1], aircraft.fix[2], lat, lon), abs(time - aircraft.fix[0])
            if jump > MAX_SPEED_MPS * elapsed + JUMP_SLACK_M:
                aircraft.fix = None
                out.skip(
                    "implausible_jump",
                    f"{where} jumps {jump / 1000:.1f} km in {elapsed:.1f} s from its last fix; "
                    "it waits for a new even/odd pair",
                )
                return
        aircraft.fix = (time, lat, lon)
        altitude = message.get("altitude")
        out.add(
            Plot(
                time=time,
                sensor=site.id,
                lat=lat,
                lon=lon,
                alt_m=altitude * FOOT_M if isinstance(altitude, int | float) else None,
                sigma_m=aircraft.sigma_m or site.sigma_m,
                mode3a=aircraft.squawk,
                icao24=icao if own_address else None,
                callsign=aircraft.callsign,
            )
        )

    def _of(self, icao: str, time: float) -> _Aircraft:
        aircraft = self.aircraft.get(icao)
        if aircraft is None:
            aircraft = self.aircraft[icao] = _Aircraft(seen=time)
        aircraft.seen = max(aircraft.seen, time)
        return aircraft

    def _prune(self, time: float) -> None:
        # Once a minute of data time, so a flood of corrupt replies cannot grow the state forever.
        if time - self._pruned < 60.0:
            return
        self._pruned = time
        self.aircraft = {icao: a for icao, a in self.aircraft.items() if time - a.seen <= STATE_S}


def decode_lines(lines: Iterable[str], sensor: Sensor) -> Decoded:
    """Plots from one receiver's ``TIMESTAMP,HEXMESSAGE`` lines; never raises, explains every skip."""
    return ModeSDecoder(sensor).feed(lines)
