"""WGS-84 geometry and plot validation of the air picture."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.airpicture.geo import LocalFrame, distance_m, polar_to_wgs84
from intelcell.domain.airpicture.model import Plot, PlotError

FRAME = LocalFrame(33.3, 44.4)  # Baghdad


@given(st.floats(-400_000, 400_000), st.floats(-400_000, 400_000), st.floats(-500, 20_000))
def test_local_frame_round_trips(east, north, up):
    lat, lon, h = FRAME.to_wgs84(east, north, up)
    assert FRAME.to_enu(lat, lon, h) == pytest.approx([east, north, up], abs=1e-3)


@given(st.floats(-500_000, 500_000), st.floats(-500_000, 500_000))
def test_surface_positions_invert_the_horizontal_projection(east, north):
    lat, lon = FRAME.surface_to_wgs84(east, north)
    e, n, _ = FRAME.to_enu(lat, lon, 0.0)
    assert (e, n) == pytest.approx((east, north), abs=1e-3)


def test_local_distances_match_great_circle_distances():
    lat, lon = FRAME.surface_to_wgs84(300_000.0, 0.0)
    assert distance_m(33.3, 44.4, float(lat), float(lon)) == pytest.approx(
        300_000, rel=3e-3
    )  # haversine is spherical: 0.2 % off the ellipsoid here


def test_a_radar_plot_lies_at_its_ground_range_and_azimuth_from_the_site():
    lat, lon = polar_to_wgs84(36.19, 44.01, 400.0, 100_000.0, 90.0, None)
    assert distance_m(36.19, 44.01, lat, lon) == pytest.approx(100_000, rel=3e-3)
    assert lon > 44.01 and lat == pytest.approx(36.19, abs=0.1)
    # With an altitude the slant range is longer than the ground range.
    lat2, lon2 = polar_to_wgs84(36.19, 44.01, 400.0, 100_000.0, 90.0, 10_400.0)
    assert distance_m(36.19, 44.01, lat2, lon2) == pytest.approx(math.sqrt(100_000**2 - 10_000**2), rel=3e-3)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("lat", 95.0, "latitude"),
        ("lon", -181.0, "longitude"),
        ("lat", float("nan"), "latitude"),
        ("alt_m", 90_000.0, "altitude"),
        ("sigma_m", 0.0, "sigma"),
        ("time", -1.0, "time"),
        ("time", float("inf"), "time"),
        ("mode3a", "7800", "mode3a"),
        ("icao24", "XYZ123", "icao24"),
        ("callsign", "<script>", "callsign"),
        ("sensor", "", "sensor"),
    ],
)
def test_impossible_plots_are_refused_naming_the_field(field, value, reason):
    good = {"time": 1.7e9, "sensor": "awacs-1", "lat": 36.0, "lon": 43.0, "alt_m": 9000.0, "sigma_m": 100.0}
    with pytest.raises(PlotError, match=reason):
        Plot(**{**good, field: value})
