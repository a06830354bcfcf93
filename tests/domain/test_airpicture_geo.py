"""WGS-84 geometry and plot validation of the air picture."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.airpicture.geo import LocalFrame, distance_m, polar_to_wgs84, to_ecef
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


@given(st.floats(5_000, 400_000), st.floats(0, 359.9), st.one_of(st.none(), st.floats(3_000, 15_000)))
def test_a_radar_plot_lies_at_its_slant_range_from_the_site_at_its_altitude(rho, theta, alt):
    site = (36.19, 44.01, 400.0)
    lat, lon = polar_to_wgs84(*site, rho, theta, alt)
    height = site[2] if alt is None else alt
    site_xyz = np.array(to_ecef(*site), dtype=float)
    plot_xyz = np.array(to_ecef(lat, lon, height), dtype=float)
    if rho > abs(height - site[2]) + 1_000:  # a reachable slant range
        # The Earth's centre angle uses a sphere of the local radius: a few metres at 400 km.
        assert float(np.linalg.norm(plot_xyz - site_xyz)) == pytest.approx(rho, rel=2e-5)


def test_a_radar_plot_lies_in_the_direction_of_its_azimuth():
    east_lat, east_lon = polar_to_wgs84(36.19, 44.01, 400.0, 200_000.0, 90.0, 10_000.0)
    north_lat, north_lon = polar_to_wgs84(36.19, 44.01, 400.0, 200_000.0, 0.0, 10_000.0)
    assert east_lon > 44.01 + 2 and east_lat == pytest.approx(36.19, abs=0.2)
    assert north_lat > 36.19 + 1.7 and north_lon == pytest.approx(44.01, abs=1e-6)


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
        ("callsign", "ABC\n", "callsign"),
        ("icao24", "4ca7b2\n", "icao24"),
        ("sensor", "", "sensor"),
    ],
)
def test_impossible_plots_are_refused_naming_the_field(field, value, reason):
    good = {"time": 1.7e9, "sensor": "awacs-1", "lat": 36.0, "lon": 43.0, "alt_m": 9000.0, "sigma_m": 100.0}
    with pytest.raises(PlotError, match=reason):
        Plot(**{**good, field: value})
