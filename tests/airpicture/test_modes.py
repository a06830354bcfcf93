"""Raw Mode S / ADS-B lines to plots through rs1090.

Published vectors come from Junzi Sun's "The 1090 Megahertz Riddle" (mode-s.org) and pyModeS's
tests. Other frames are built by the small encoders below, written from the standard (ICAO
Annex 10 vol. IV parity, DO-260B CPR) and checked against those published frames first.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.airpicture.asterix import FOOT_M
from intelcell.airpicture.modes import MAX_RANGE_M, ModeSDecoder, decode_lines, parity_ok
from intelcell.domain.airpicture.geo import distance_m
from intelcell.domain.airpicture.sensor import Sensor, SensorKind

# The Riddle's airborne position pair: the odd frame at t0, the even one 2 s later.
ODD_40621D = "8D40621D58C386435CC412692AD6"
EVEN_40621D = "8D40621D58C382D690C8AC2863A7"
T0 = 1_457_996_400.0
CALLSIGN_4840D6 = "8D4840D6202CC371C32CE0576098"  # identification: KLM1023
IDENTITY_REPLY = "2A00516D492B80"  # DF5, squawk 0356 (pyModeS tests); its parity gives address 510af9

SCHIPHOL = Sensor("nld-adsb-schiphol", "NLD", SensorKind.ADSB, 52.31, 4.76, -3.0, 40.0)
BAGHDAD = Sensor("adsb-baghdad", "IRQ", SensorKind.ADSB, 33.26, 44.23, 34.0, 40.0)


# --- encoders written from the standard -----------------------------------------------------


def parity(bits: int, length: int) -> int:
    """Mode S parity (generator 0xFFF409) of a message whose last 24 bits are zero."""
    for i in range(length - 1, 23, -1):
        if bits >> i & 1:
            bits ^= 0x1FFF409 << (i - 24)
    return bits & 0xFFFFFF


def zones(lat: float) -> int:
    """NL: the number of longitude zones at a latitude (DO-260B A.1.7.2)."""
    if lat == 0:
        return 59
    if abs(lat) >= 87:
        return 2 if abs(lat) == 87 else 1
    a = 1 - math.cos(math.pi / 30)
    return math.floor(2 * math.pi / math.acos(1 - a / math.cos(math.radians(lat)) ** 2))


def cpr(lat: float, lon: float, odd: bool) -> tuple[int, int]:
    """17-bit airborne CPR latitude and longitude of a position, in the even or odd format."""
    i = int(odd)
    dlat = 360 / (60 - i)
    yz = math.floor(2**17 * (lat % dlat) / dlat + 0.5)
    rlat = dlat * (yz / 2**17 + math.floor(lat / dlat))
    dlon = 360 / max(zones(rlat) - i, 1)
    xz = math.floor(2**17 * (lon % dlon) / dlon + 0.5)
    return yz % 2**17, xz % 2**17


def squitter(icao: int, me: int, df: int = 17, control: int = 5) -> str:
    """A DF17 (or DF18) extended squitter carrying the 56-bit ME field, with its parity."""
    bits = ((df << 3 | control) << 104) | (icao << 80) | (me << 24)
    return f"{bits | parity(bits, 112):028X}"


def position(icao: int, lat: float, lon: float, alt_ft: int, odd: bool, tc: int = 11, df: int = 17) -> str:
    """An airborne position squitter; the altitude in 25 ft steps (Q bit set)."""
    n = (alt_ft + 1000) // 25
    altitude = (n >> 4) << 5 | 1 << 4 | n & 0xF
    yz, xz = cpr(lat, lon, odd)
    me = tc << 51 | altitude << 36 | int(odd) << 34 | yz << 17 | xz
    return squitter(icao, me, df=df, control=0 if df == 18 else 5)


def identification(icao: int, callsign: str, tc: int = 4, category: int = 0) -> str:
    """An identification squitter (TC 1-4) in the 6-bit ICAO character set."""
    code = 0
    for char in callsign.ljust(8):
        code = code << 6 | (ord(char) - 64 if char.isalpha() else ord(char))
    return squitter(icao, tc << 51 | category << 48 | code)


def operational_status(icao: int, nacp: int) -> str:
    """An airborne operational status squitter (TC 31, subtype 0, version 2) with its NACp."""
    return squitter(icao, 31 << 51 | 2 << 13 | nacp << 8)


def identity_reply(icao: int, squawk: str) -> str:
    """A DF5 surveillance identity reply; its parity is overlaid with the address."""
    a, b, c, d = (int(digit) for digit in squawk)
    order = [c & 1, a & 1, c >> 1 & 1, a >> 1 & 1, c >> 2 & 1, a >> 2 & 1, 0, b & 1, d & 1, b >> 1 & 1]
    order += [d >> 1 & 1, b >> 2 & 1, d >> 2 & 1]
    ident = int("".join(map(str, order)), 2)
    bits = (5 << 27 | ident) << 24
    return f"{bits | (parity(bits, 56) ^ icao):014X}"


def lines(*frames: tuple[float, str]) -> list[str]:
    """Receiver lines from (time, hex) pairs."""
    return [f"{t},{frame}" for t, frame in frames]


def pair(icao: int, lat: float, lon: float, t: float, alt_ft: int = 30_000) -> list[str]:
    """An even then an odd frame of one position, 1 s apart: enough for a first fix."""
    return lines((t, position(icao, lat, lon, alt_ft, odd=False)), (t + 1, position(icao, lat, lon, alt_ft, odd=True)))


def test_the_encoders_reproduce_published_frames():
    assert position(0x40621D, 52.2572021484375, 3.91937255859375, 38_000, odd=False) == EVEN_40621D
    assert identification(0x4840D6, "KLM1023") == CALLSIGN_4840D6
    assert identity_reply(0x400940, "1200")[:8] == "28000808"  # pyModeS's DF5 header for squawk 1200
    assert identity_reply(0x400940, "7500")[:8] == "28000AA2"
    assert parity_ok(bytes.fromhex(EVEN_40621D)) and parity_ok(bytes.fromhex(CALLSIGN_4840D6))


# --- published vectors ----------------------------------------------------------------------


def test_the_published_position_pair_decodes_to_the_published_position():
    result = decode_lines(lines((T0, ODD_40621D), (T0 + 2, EVEN_40621D)), SCHIPHOL)
    assert result.errors == []
    [plot] = result.plots  # the first frame waits for its pair
    assert plot.time == T0 + 2 and plot.sensor == "nld-adsb-schiphol" and plot.icao24 == "40621d"
    assert plot.lat == pytest.approx(52.2572, abs=5e-5)
    assert plot.lon == pytest.approx(3.9194, abs=5e-5)
    assert plot.alt_m == pytest.approx(38_000 * FOOT_M)
    assert plot.sigma_m == SCHIPHOL.sigma_m  # no operational status yet
    assert result.counts["awaiting_pair"] == 1


def test_the_published_callsign_goes_with_later_plots_of_its_aircraft():
    feed = lines((T0 - 5, CALLSIGN_4840D6)) + pair(0x4840D6, 52.0, 4.5, T0)
    [plot] = decode_lines(feed, SCHIPHOL).plots
    assert (plot.icao24, plot.callsign) == ("4840d6", "KLM1023")


def test_the_published_identity_reply_gives_its_aircraft_a_mode3a():
    feed = lines((T0 - 5, IDENTITY_REPLY)) + pair(0x510AF9, 51.9, 4.2, T0)
    [plot] = decode_lines(feed, SCHIPHOL).plots
    assert (plot.icao24, plot.mode3a) == ("510af9", "0356")


def test_the_latest_identity_reply_is_the_code_that_goes_with_plots():
    feed = lines((T0 - 9, IDENTITY_REPLY), (T0 - 5, identity_reply(0x510AF9, "7700"))) + pair(0x510AF9, 51.9, 4.2, T0)
    [plot] = decode_lines(feed, SCHIPHOL).plots
    assert plot.mode3a == "7700"


# --- behaviour ------------------------------------------------------------------------------


def test_after_the_first_fix_single_frames_decode_around_the_last_one():
    path = [(52.0 + k * 0.01, 4.0 + k * 0.015) for k in range(8)]
    feed = pair(0x4B1814, *path[0], T0)
    for k, (lat, lon) in enumerate(path[1:], 1):
        feed += lines((T0 + 1 + 5 * k, position(0x4B1814, lat, lon, 30_000, odd=k % 3 == 0)))
    result = decode_lines(feed, SCHIPHOL)
    assert result.errors == [] and len(result.plots) == 8
    for plot, (lat, lon) in zip(result.plots, path, strict=True):
        assert distance_m(plot.lat, plot.lon, lat, lon) < 6.0  # CPR airborne resolution, about 5 m


def test_a_receiver_decodes_line_by_line_keeping_each_aircraft_between_calls():
    decoder = ModeSDecoder(SCHIPHOL)
    first, second = pair(0x4B1814, 52.1, 4.9, T0)
    assert decoder.feed([first]).plots == []
    assert len(decoder.feed([second]).plots) == 1


def test_nacp_from_operational_status_sets_the_sigma_of_later_plots():
    feed = lines((T0 - 1, operational_status(0x4B1814, 10))) + pair(0x4B1814, 52.1, 4.9, T0)
    [plot] = decode_lines(feed, SCHIPHOL).plots
    assert plot.sigma_m == 5.0  # NACp 10: EPU < 10 m


def test_gnss_height_frames_are_airborne_positions_too():
    feed = lines(
        (T0, position(0x4B1814, 52.1, 4.9, 12_000, odd=False, tc=20)),
        (T0 + 1, position(0x4B1814, 52.1, 4.9, 12_000, odd=True, tc=20)),
    )
    [plot] = decode_lines(feed, SCHIPHOL).plots
    assert plot.alt_m == pytest.approx(12_000 * FOOT_M)


def test_frames_more_than_ten_seconds_apart_are_not_paired():
    feed = lines(
        (T0, position(0x4B1814, 52.1, 4.9, 30_000, odd=False)),
        (T0 + 11, position(0x4B1814, 52.1, 4.9, 30_000, odd=True)),
    )
    result = decode_lines(feed, SCHIPHOL)
    assert result.plots == [] and result.counts["awaiting_pair"] == 2 and result.errors == []


@pytest.mark.parametrize(("control", "icao24"), [(0, "4b1814"), (1, None)])
def test_non_transponder_adsb_is_read_and_only_an_icao_address_kept(control, icao24):
    frames = [position(0x4B1814, 52.1, 4.9, 30_000, odd=odd, df=18) for odd in (False, True)]
    frames = [squitter(0x4B1814, int(frame[8:22], 16), df=18, control=control) for frame in frames]
    [plot] = decode_lines(lines((T0, frames[0]), (T0 + 1, frames[1])), SCHIPHOL).plots
    assert plot.icao24 == icao24 and plot.lat == pytest.approx(52.1, abs=1e-4)


def test_tisb_rebroadcasts_are_not_the_receivers_measurements():
    tisb = position(0x4B1814, 52.1, 4.9, 30_000, odd=False, df=18)
    tisb = squitter(0x4B1814, int(tisb[8:22], 16), df=18, control=2)  # CF 2: TIS-B fine
    result = decode_lines(lines((T0, tisb)), SCHIPHOL)
    assert result.plots == [] and result.counts["tisb"] == 1 and result.errors == []


# --- bad input: counted, explained, skipped; the rest still decodes ---------------------------

GOOD = pair(0x4B1814, 52.1, 4.9, T0)


@pytest.mark.parametrize(
    ("line", "kind", "message"),
    [
        ("1457996400 8D40621D58C386435CC412692AD6", "bad_line", "line 1: expected TIMESTAMP,HEXMESSAGE, got"),
        ("yesterday,8D40621D58C386435CC412692AD6", "bad_time", "line 1: timestamp 'yesterday' is not a UNIX time"),
        ("1457996400,8D40621D58C386435CC412692AZZ", "bad_hex", "line 1: message '8d40621d58c386435cc412692azz' is not"),
        ("1457996400,8D40621D58C386435CC4", "bad_length", "line 1: 20 hex characters; a Mode S message has 14"),
        ("1457996400,8D40621D58C386", "bad_length", "line 1: DF17 is a 112-bit message, not 56"),
        ("1457996400,8D40621D58C386435CC412692AD7", "crc", "line 1: DF17 parity check failed (address 40621d"),
    ],
)
def test_a_bad_line_is_skipped_with_a_reason_and_the_rest_decodes(line, kind, message):
    result = decode_lines([line, *GOOD], SCHIPHOL)
    assert len(result.plots) == 1
    [error] = result.errors
    assert error.startswith(message)
    assert result.counts[kind] == 1 and result.skipped == 1


def test_a_position_far_beyond_the_receiver_is_rejected():
    feed = lines((T0, ODD_40621D), (T0 + 2, EVEN_40621D)) + pair(0x4B1814, 33.9, 44.8, T0)
    result = decode_lines(feed, BAGHDAD)
    assert [p.icao24 for p in result.plots] == ["4b1814"]
    [error] = result.errors
    assert error.startswith("line 2: position of 40621d decodes to 52.2572, 3.9194, ")
    assert error.endswith(f"km from receiver adsb-baghdad: beyond {MAX_RANGE_M / 1000:.0f} km")


def test_an_implausible_jump_resets_the_aircraft():
    feed = pair(0x4B1814, 52.1, 4.9, T0)
    feed += lines((T0 + 2, position(0x4B1814, 52.6, 4.9, 30_000, odd=False)))  # 56 km in a second
    feed += pair(0x4B1814, 52.1, 4.91, T0 + 5)  # a fresh pair finds it again
    result = decode_lines(feed, SCHIPHOL)
    assert len(result.plots) == 2
    [error] = result.errors
    assert error.startswith("line 3: position of 4b1814 jumps 55.6 km in 1.0 s from its last fix")


def test_empty_and_comment_lines_are_not_counted():
    result = decode_lines(["", "   ", "# receiver restarted"], SCHIPHOL)
    assert result.plots == [] and result.errors == [] and result.counts["lines"] == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=10))
def test_decoding_never_raises_on_arbitrary_text(text_lines):
    result = decode_lines(text_lines, SCHIPHOL)
    assert result.counts["plots"] == len(result.plots)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 2e9), st.sampled_from([56, 112]), st.integers(0, 2**112 - 1)), max_size=20))
def test_decoding_never_raises_on_arbitrary_frames(frames):
    text_lines = [f"{t},{value % 2**bits:0{bits // 4}x}" for t, bits, value in frames]
    result = decode_lines(text_lines, SCHIPHOL)
    assert result.counts["lines"] == len(frames)


def test_a_track_across_the_antimeridian_stays_in_longitude_range():
    feed = pair(0x7C0001, -17.5, 179.95, T0) + lines((T0 + 30, position(0x7C0001, -17.5, -179.98, 30_000, odd=True)))
    fiji = Sensor("adsb-nadi", "FJI", SensorKind.ADSB, -17.76, 177.44, 18.0, 40.0)
    result = decode_lines(feed, fiji)
    assert result.errors == []
    assert [round(p.lon, 3) for p in result.plots] == [179.95, -179.98]
