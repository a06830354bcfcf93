"""ASTERIX CAT021, CAT048 and CAT062 to plots, and system tracks to CAT062.

Test messages are built with libasterix's encoder from the small builders below; one published
sample (the CAT048 record CroatiaControl's asterix decoder documents, which tshark and other
decoders read the same way) shows that we follow the standard, not only our own encoder.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from asterix.base import Bits
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.airpicture.asterix import (
    CAT021,
    CAT048,
    CAT062,
    FOOT_M,
    MAX_DATABLOCK,
    decode,
    encode_cat062,
    sigma_from_nacp,
)
from intelcell.domain.airpicture.geo import LocalFrame, polar_sigma_m, polar_to_wgs84
from intelcell.domain.airpicture.model import Identity, TrackState
from intelcell.domain.airpicture.sensor import Sensor, SensorKind

DAY = 1_717_200_000.0  # 2024-06-01 00:00:00 UTC
RADAR = Sensor("radar-erbil", "IRQ", SensorKind.RADAR, 36.19, 44.01, 420.0, 150.0, sac=25, sic=1)
ADSB = Sensor("adsb-incirlik", "TUR", SensorKind.ADSB, 37.0, 35.42, 70.0, 30.0, sac=25, sic=2)
SYSTEM = Sensor("partner-tracker", "FRA", SensorKind.SYSTEM, 36.0, 43.0, 0.0, 200.0, sac=7, sic=9)
SENSORS = [RADAR, ADSB, SYSTEM]

# CroatiaControl asterix decoder's CAT048 sample (its README and tests): SAC/SIC 25/201,
# ToD 27354.6015625 s, RHO 197.68359375 NM, THETA 340.13671875 deg, Mode 3/A 1000, FL 330,
# address 3C660C, identification "DLH65A  ".
PUBLISHED_CAT048 = bytes.fromhex(
    "300030fdf70219c9356d4da0c5aff1e0020005283c660c10c236d4182001c0780031bc0000400deb07b9582e410020f5"
)


def datablock(spec: Any, *records: dict[str, Any]) -> bytes:
    """One datablock of ``spec`` holding the given records (items by name, libasterix arguments)."""
    return bytes(spec.create([spec.cv_record.create(r) for r in records]).unparse().to_bytes())


def cat062_records(data: bytes) -> list[Any]:
    """The records of the first CAT062 datablock in ``data``, parsed by libasterix."""
    length = int.from_bytes(data[1:3], "big")
    records = CAT062.cv_uap.parse(Bits.from_bytes(data[3:length]))
    assert not isinstance(records, ValueError)
    return list(records)


def radar_report(
    *,
    sac: int = 25,
    sic: int = 1,
    tod: float = 3_600.0,
    rho_nm: float = 60.0,
    theta: float = 90.0,
    fl: float | None = 350.0,
    mode3a: str | None = "1234",
    address: int | None = None,
    callsign: str | None = None,
    validated: bool = True,
) -> dict[str, Any]:
    """A CAT048 monoradar target report."""
    bad = 0 if validated else 1
    record: dict[str, Any] = {
        "010": (("SAC", sac), ("SIC", sic)),
        "140": (tod, "s"),
        "040": (("RHO", (rho_nm, "NM")), ("THETA", (theta, "°"))),
    }
    if fl is not None:
        record["090"] = (("V", bad), ("G", 0), ("FL", (fl, "FL")))
    if mode3a is not None:
        record["070"] = (("V", bad), ("G", 0), ("L", 0), 0, ("MODE3A", mode3a))
    if address is not None:
        record["220"] = address
    if callsign is not None:
        record["240"] = callsign
    return record


def adsb_report(
    *,
    sac: int = 25,
    sic: int = 2,
    tod: float = 3_600.0,
    lat: float = 36.5,
    lon: float = 40.25,
    hires: bool = False,
    fl: float | None = 370.0,
    height_ft: float | None = None,
    address: int = 0x4B1814,
    address_type: int = 0,
    mode3a: str | None = "4521",
    callsign: str | None = "THY6A",
    nacp: int | None = 9,
) -> dict[str, Any]:
    """A CAT021 ADS-B target report."""
    position = (("LAT", (lat, "°")), ("LON", (lon, "°")))
    record: dict[str, Any] = {
        "010": (("SAC", sac), ("SIC", sic)),
        "040": ((("ATP", address_type), ("ARC", 1), ("RC", 0), ("RAB", 0), None),),
        "131" if hires else "130": position,
        "073": (tod, "s"),
        "080": address,
    }
    if fl is not None:
        record["145"] = (fl, "FL")
    if height_ft is not None:
        record["140"] = (height_ft, "ft")
    if mode3a is not None:
        record["070"] = (0, ("MODE3A", mode3a))
    if callsign is not None:
        record["170"] = callsign
    if nacp is not None:
        record["090"] = (
            (("NUCRNACV", 1), ("NUCPNIC", 8), None),
            (("NICBARO", 1), ("SIL", 3), ("NACP", nacp), None),
        )
    return record


def track(number: int = 1, **changes: Any) -> TrackState:
    """A published system track over northern Iraq."""
    values: dict[str, Any] = {
        "track_number": number,
        "time": DAY + 43_200.0 + number,
        "lat": 36.0 + number * 0.001,
        "lon": 43.5 - number * 0.001,
        "alt_m": 10_000.0,
        "vel_e_mps": 210.5,
        "vel_n_mps": -35.25,
        "identity": Identity.FRIEND,
        "quality": 5,
        "sigma_m": 120.0,
        "sensors": frozenset({"radar-erbil", "adsb-incirlik"}),
        "mode3a": "7421",
        "icao24": "4b1814",
        "callsign": "THY6A",
    }
    values.update(changes)
    return TrackState(**values)


# --- the standard ---------------------------------------------------------------------------


def test_published_cat048_sample_decodes_to_its_documented_values():
    site = Sensor("radar-25-201", "HRV", SensorKind.RADAR, 45.5, 16.0, 120.0, 150.0, sac=25, sic=201)
    result = decode(PUBLISHED_CAT048, [site], day_start=DAY)
    assert result.errors == []
    [plot] = result.plots
    assert plot.time == DAY + 27_354.6015625
    assert (plot.mode3a, plot.icao24, plot.callsign) == ("1000", "3c660c", "DLH65A")
    assert plot.alt_m == pytest.approx(33_000 * FOOT_M)
    # Placed by the domain's polar geometry from the published slant range, azimuth and level.
    expected = polar_to_wgs84(site.lat, site.lon, site.alt_m, 197.68359375 * 1852, 340.13671875, 33_000 * FOOT_M)
    assert (plot.lat, plot.lon) == pytest.approx(expected, abs=1e-9)
    east, north, _ = LocalFrame(site.lat, site.lon, site.alt_m).to_enu(plot.lat, plot.lon, plot.alt_m)
    assert math.degrees(math.atan2(east, north)) % 360 == pytest.approx(340.13671875, abs=1e-3)


def test_the_editions_are_the_newest_libasterix_ships():
    assert [spec.cv_edition for spec in (CAT021, CAT048, CAT062)] == [(2, 7), (1, 32), (1, 21)]


# --- CAT048 ---------------------------------------------------------------------------------


def test_a_radar_plot_is_placed_from_its_radar_site():
    result = decode(datablock(CAT048, radar_report(address=0x4B1814, callsign="THY6A")), SENSORS, day_start=DAY)
    [plot] = result.plots
    assert plot.sensor == "radar-erbil" and plot.time == DAY + 3_600.0
    assert (plot.mode3a, plot.icao24, plot.callsign) == ("1234", "4b1814", "THY6A")
    assert plot.alt_m == pytest.approx(35_000 * FOOT_M)
    expected = polar_to_wgs84(RADAR.lat, RADAR.lon, RADAR.alt_m, 60 * 1852, 90.0, 35_000 * FOOT_M)
    assert (plot.lat, plot.lon) == pytest.approx(expected, abs=1e-9)
    assert plot.lat == pytest.approx(RADAR.lat, abs=0.01) and plot.lon > RADAR.lon + 1.0
    assert plot.sigma_m == polar_sigma_m(60 * 1852, RADAR.range_sigma_m, RADAR.azimuth_sigma_deg)


def test_an_unvalidated_code_and_flight_level_are_not_used():
    [plot] = decode(datablock(CAT048, radar_report(validated=False)), SENSORS, day_start=DAY).plots
    assert plot.mode3a is None and plot.alt_m is None


def test_a_radar_plot_without_polar_position_is_skipped_with_a_reason():
    report = radar_report()
    del report["040"]
    result = decode(datablock(CAT048, report, radar_report()), SENSORS, day_start=DAY)
    assert len(result.plots) == 1
    assert result.errors == ["record 1 of CAT048 datablock at byte 0: no polar position (I048/040)"]


# --- CAT021 ---------------------------------------------------------------------------------


def test_an_adsb_report_keeps_its_identity_and_takes_sigma_from_nacp():
    result = decode(datablock(CAT021, adsb_report()), SENSORS, day_start=DAY)
    [plot] = result.plots
    assert plot.sensor == "adsb-incirlik" and plot.time == DAY + 3_600.0
    assert plot.lat == pytest.approx(36.5, abs=2.2e-5) and plot.lon == pytest.approx(40.25, abs=2.2e-5)
    assert (plot.icao24, plot.mode3a, plot.callsign) == ("4b1814", "4521", "THY6A")
    assert plot.alt_m == pytest.approx(37_000 * FOOT_M)
    assert plot.sigma_m == 15.0  # NACp 9: EPU < 30 m


def test_an_adsb_report_prefers_geometric_height_and_high_resolution_position():
    report = adsb_report(hires=True, lat=36.123456789, height_ft=36_250.0, nacp=None)
    [plot] = decode(datablock(CAT021, report), SENSORS, day_start=DAY).plots
    assert plot.lat == pytest.approx(36.123456789, abs=2e-7)
    assert plot.alt_m == pytest.approx(36_250 * FOOT_M)
    assert plot.sigma_m == ADSB.sigma_m  # no NACp: the receiver's own accuracy


def test_an_anonymous_address_is_not_taken_for_an_icao24():
    [plot] = decode(datablock(CAT021, adsb_report(address_type=3)), SENSORS, day_start=DAY).plots
    assert plot.icao24 is None


@pytest.mark.parametrize(
    ("nacp", "sigma"), [(0, None), (1, 9_260.0), (7, 92.6), (8, 46.3), (10, 5.0), (11, 1.5), (12, None)]
)
def test_nacp_maps_to_half_its_estimated_position_uncertainty(nacp, sigma):
    assert sigma_from_nacp(nacp) == sigma


# --- CAT062 ---------------------------------------------------------------------------------


def test_encoded_tracks_decode_back_as_a_partner_system_feed():
    tracks = [
        track(1),
        track(2, mode3a=None, icao24=None, callsign=None, alt_m=None),
        track(3, callsign="NATO01", lat=-33.8688, lon=151.2093, vel_e_mps=-5.0, sensors=frozenset({"awacs-1"})),
    ]
    result = decode(encode_cat062(tracks, sac=7, sic=9, day_start=DAY), SENSORS, day_start=DAY)
    assert result.errors == []
    assert len(result.plots) == 3
    for sent, plot in zip(tracks, result.plots, strict=True):
        assert plot.sensor == "partner-tracker"
        assert plot.time == pytest.approx(sent.time, abs=1 / 256)  # I062/070: 1/128 s
        assert plot.lat == pytest.approx(sent.lat, abs=180 / 2**26)  # I062/105: 180/2^25 deg
        assert plot.lon == pytest.approx(sent.lon, abs=180 / 2**26)
        assert (plot.mode3a, plot.icao24, plot.callsign) == (sent.mode3a, sent.icao24, sent.callsign)
        assert plot.sigma_m == sent.sigma_m  # I062/500 APC
        if sent.alt_m is None:
            assert plot.alt_m is None
        else:
            assert plot.alt_m == pytest.approx(sent.alt_m, abs=3.125 * FOOT_M)  # I062/130: 6.25 ft


def test_encoded_tracks_carry_number_velocity_and_status():
    data = encode_cat062([track(7, sensors=frozenset({"awacs-1"}))], sac=7, sic=9, day_start=DAY)
    [record] = cat062_records(data)
    assert record.get_item("040").variation.as_uint() == 7
    velocity = record.get_item("185").variation
    assert velocity.get_item("VX").variation.content.as_quantity("m/s") == 210.5
    assert velocity.get_item("VY").variation.content.as_quantity("m/s") == -35.25
    status = record.get_item("080").variation
    assert status.get_item("MON").as_uint() == 1  # one contributing sensor
    assert status.get_item("TSE") is None  # first extent only while the track lives


def test_a_deleted_track_is_sent_as_its_last_message_and_not_read_as_a_measurement():
    data = encode_cat062([track(1), track(2, deleted=True)], sac=7, sic=9, day_start=DAY)
    [_, ended] = cat062_records(data)
    assert ended.get_item("080").variation.get_item("TSE").as_uint() == 1
    result = decode(data, SENSORS, day_start=DAY)
    assert [p.time for p in result.plots] == [pytest.approx(DAY + 43_201.0)]
    assert result.counts["track_ended"] == 1 and result.errors == []


def test_a_coasting_partner_track_is_not_a_measurement():
    report = {
        "010": (("SAC", 7), ("SIC", 9)),
        "070": (100.0, "s"),
        "105": (("LAT", (36.0, "°")), ("LON", (43.0, "°"))),
        "080": (
            (0, 0, 0, 0, 0, None),
            (0, 0, 0, 0, 0, 0, 0, None),
            (0, 0, 0, 0, 0, None),
            (("CST", 1), 0, 0, 0, 0, 0, 0, None),
        ),
    }
    result = decode(datablock(CAT062, report), SENSORS, day_start=DAY)
    assert result.plots == [] and result.counts["coasted"] == 1


def test_many_tracks_are_split_into_datablocks_within_the_length_limit():
    tracks = [track(n) for n in range(1, 2_001)]
    data = encode_cat062(tracks, sac=7, sic=9, day_start=DAY)
    lengths, offset = [], 0
    while offset < len(data):
        lengths.append(int.from_bytes(data[offset + 1 : offset + 3], "big"))
        offset += lengths[-1]
    assert len(lengths) > 1 and max(lengths) <= MAX_DATABLOCK and offset == len(data)
    result = decode(data, SENSORS, day_start=DAY)
    assert len(result.plots) == 2_000 and result.counts["datablocks"] == len(lengths)


def libasterix_cat062(track: TrackState, sac: int, sic: int) -> bytes:
    """The same track as a CAT062 datablock built by libasterix's encoder: the oracle for our packing."""
    tod = (track.time - DAY) % 86_400
    if round(tod * 128) >= 86_400 * 128:
        tod = 0.0
    sigma = min(track.sigma_m, 32_767.5)
    record: dict[str, Any] = {
        "010": (("SAC", sac), ("SIC", sic)),
        "070": (tod, "s"),
        "105": (("LAT", (track.lat, "°")), ("LON", (track.lon, "°"))),
        "185": (
            ("VX", (min(max(track.vel_e_mps, -8192.0), 8191.75), "m/s")),
            ("VY", (min(max(track.vel_n_mps, -8192.0), 8191.75), "m/s")),
        ),
        "040": track.track_number,
        "500": {"APC": (("X", (sigma, "m")), ("Y", (sigma, "m")))},
    }
    first = (("MON", int(len(track.sensors) <= 1)), ("SPI", 0), ("MRH", 1), ("SRC", 0), ("CNF", 0), None)
    second = (("SIM", 0), ("TSE", 1), ("TSB", 0), ("FPC", 0), ("AFF", 0), ("STP", 0), ("KOS", 0), None)
    record["080"] = (first, second) if track.deleted else (first,)
    if track.mode3a is not None:
        record["060"] = (("V", 0), ("G", 0), ("CH", 0), 0, ("MODE3A", track.mode3a))
    derived = {"ADR": int(track.icao24, 16) if track.icao24 else None, "ID": track.callsign}
    if any(value is not None for value in derived.values()):
        record["380"] = derived
    if track.alt_m is not None:
        record["130"] = (min(max(track.alt_m / FOOT_M, -204_800.0), 204_793.75), "ft")
    return datablock(CAT062, record)


@st.composite
def tracks(draw: st.DrawFn) -> TrackState:
    """Any publishable system track, with and without the optional fields."""
    return track(
        draw(st.integers(1, 65_535)),
        time=DAY + draw(st.floats(-86_400.0, 3 * 86_400.0)),
        lat=draw(st.floats(-90.0, 90.0)),
        lon=draw(st.floats(-180.0, 180.0)),
        alt_m=draw(st.none() | st.floats(-70_000.0, 70_000.0)),  # beyond I062/130 too: saturated
        vel_e_mps=draw(st.floats(-9_000.0, 9_000.0)),
        vel_n_mps=draw(st.floats(-9_000.0, 9_000.0)),
        sigma_m=draw(st.floats(0.1, 50_000.0)),
        sensors=frozenset(draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3))),
        mode3a=draw(st.none() | st.from_regex(r"[0-7]{4}", fullmatch=True)),
        icao24=draw(st.none() | st.from_regex(r"[0-9a-f]{6}", fullmatch=True)),
        callsign=draw(st.none() | st.from_regex(r"[A-Z0-9]{1,7}", fullmatch=True)),
        deleted=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(tracks())
def test_our_cat062_packing_is_byte_for_byte_libasterix_encoding(sent):
    assert encode_cat062([sent], sac=7, sic=9, day_start=DAY) == libasterix_cat062(sent, 7, 9)


def test_a_track_with_an_impossible_state_is_refused_by_name():
    with pytest.raises(ValueError, match="track 4 has a non-finite or impossible state"):
        encode_cat062([track(4, lat=float("nan"))], sac=7, sic=9, day_start=DAY)


# --- time of day ----------------------------------------------------------------------------


def test_a_record_just_after_midnight_belongs_to_the_next_day():
    data = datablock(CAT048, radar_report(tod=86_399.5), radar_report(tod=0.5))
    times = [p.time for p in decode(data, SENSORS, day_start=DAY).plots]
    assert times == [DAY + 86_399.5, DAY + 86_400.5]


def test_a_record_from_before_midnight_received_after_it_belongs_to_the_previous_day():
    data = datablock(CAT048, radar_report(tod=86_399.5))
    [plot] = decode(data, SENSORS, day_start=DAY, now=DAY + 0.7).plots
    assert plot.time == DAY - 0.5


# --- bad input: counted, explained, skipped; the rest still decodes ---------------------------


def test_empty_input_gives_nothing_and_no_error():
    result = decode(b"", SENSORS, day_start=DAY)
    assert result.plots == [] and result.errors == [] and result.skipped == 0


def test_a_length_field_longer_than_the_data_skips_only_that_datablock():
    good = datablock(CAT048, radar_report())
    bad = datablock(CAT048, radar_report(), radar_report())
    data = good + good + bad[:20]
    result = decode(data, SENSORS, day_start=DAY)
    assert len(result.plots) == 2
    assert result.errors == [
        f"datablock 3 at byte {2 * len(good)}: truncated: length field says {len(bad)} bytes, 20 remain"
    ]


def test_a_truncated_record_is_skipped_with_the_rest_of_its_datablock():
    block = datablock(CAT048, radar_report(), radar_report(tod=3_601.0))
    cut = block[:-4]
    cut = cut[:1] + len(cut).to_bytes(2, "big") + cut[3:]  # a length field that agrees with the cut
    result = decode(cut + datablock(CAT021, adsb_report()), SENSORS, day_start=DAY)
    assert [p.sensor for p in result.plots] == ["radar-erbil", "adsb-incirlik"]
    assert result.counts["corrupt_record"] == 1
    [error] = result.errors
    assert error.startswith("record 2 of CAT048 datablock at byte 0: cannot be parsed as CAT048 edition 1.32")
    assert "insufficient data" in error


def test_a_length_field_shorter_than_the_header_stops_the_datagram():
    good = datablock(CAT048, radar_report())
    result = decode(good + b"\x30\x00\x01" + good, SENSORS, day_start=DAY)
    assert len(result.plots) == 1
    assert result.errors == [
        f"datablock 2 at byte {len(good)}: length field says 1 bytes, less than its own 3-byte header; "
        f"the remaining {len(good) + 3} bytes are skipped"
    ]


def test_an_unknown_category_is_skipped_and_named():
    north_marker = bytes.fromhex("220007c0010201")  # CAT034 north marker, libasterix README
    result = decode(north_marker + datablock(CAT048, radar_report()), SENSORS, day_start=DAY)
    assert len(result.plots) == 1
    assert result.errors == ["datablock 1 at byte 0: category 34 is not ingested (only 21, 48 and 62)"]
    assert result.counts["unknown_category"] == 1


def test_a_record_from_an_unknown_sensor_is_skipped_and_named():
    data = datablock(CAT048, radar_report(), radar_report(sic=12))
    result = decode(data, SENSORS, day_start=DAY)
    assert len(result.plots) == 1
    assert result.errors == ["record 2 of CAT048 datablock at byte 0: SAC/SIC 25/12 is not a registered sensor"]
    assert result.counts["unknown_sensor"] == 1


def test_an_impossible_position_is_skipped_and_named():
    data = datablock(CAT021, adsb_report(lat=95.0), adsb_report())
    result = decode(data, SENSORS, day_start=DAY)
    assert [p.lat for p in result.plots] == [pytest.approx(36.5, abs=2.2e-5)]
    [error] = result.errors
    assert error.startswith("record 1 of CAT021 datablock at byte 0: latitude 95.0")
    assert "outside -90..90" in error
    assert result.counts["impossible_plot"] == 1


def test_garbage_after_good_data_is_reported_and_the_good_data_kept():
    good = datablock(CAT048, radar_report())
    garbage = bytes(range(7, 250, 3))  # reads as category 7 with a length field of 0x0A0D = 2573
    result = decode(good + garbage, SENSORS, day_start=DAY)
    assert len(result.plots) == 1
    assert result.errors == [
        f"datablock 2 at byte {len(good)}: truncated: length field says 2573 bytes, {len(garbage)} remain"
    ]


def test_a_flood_is_counted_in_full_but_listed_only_so_far():
    unknown = datablock(CAT048, radar_report(sic=99))
    result = decode(unknown * 1_500, SENSORS, day_start=DAY)
    assert result.counts["unknown_sensor"] == 1_500 and result.skipped == 1_500
    assert len(result.errors) == 1_001 and "counted, not listed" in result.errors[-1]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_decode_never_raises_on_arbitrary_bytes(data):
    result = decode(data, SENSORS, day_start=DAY)
    assert result.counts["plots"] == len(result.plots)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=120), st.sampled_from([21, 48, 62]))
def test_decode_never_raises_on_arbitrary_records_of_an_ingested_category(body, category):
    data = bytes([category]) + (len(body) + 3).to_bytes(2, "big") + body
    result = decode(data, SENSORS, day_start=DAY, now=DAY + 100.0)
    assert result.counts["datablocks"] == 1
