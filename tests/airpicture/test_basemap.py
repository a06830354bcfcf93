"""The offline basemap: valid GeoJSON of the world's countries that cover the places they should."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest

from intelcell.airpicture import basemap
from intelcell.domain.airpicture.area import Area

Polygon = list[list[list[float]]]


@pytest.fixture(scope="module")
def features() -> dict[str, dict[str, Any]]:
    """The basemap's features by name."""
    doc = json.loads(basemap.load())
    assert doc["type"] == "FeatureCollection"
    return {f["properties"]["name"]: f for f in doc["features"]}


def polygons(feature: dict[str, Any]) -> list[Polygon]:
    """A feature's polygons, each a list of rings of [lon, lat] positions."""
    geometry = feature["geometry"]
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def signed_area(ring: list[list[float]]) -> float:
    """Twice the ring's signed area in square degrees: positive when counterclockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))


def covers(feature: dict[str, Any], lat: float, lon: float) -> bool:
    """Whether a position lies inside one of the feature's polygons and outside that polygon's holes."""
    for exterior, *holes in polygons(feature):
        rings = [Area("ring", tuple((y, x) for x, y in ring[:-1])) for ring in (exterior, *holes)]
        if rings[0].contains(lat, lon) and not any(hole.contains(lat, lon) for hole in rings[1:]):
            return True
    return False


def test_load_serves_the_same_bytes_from_memory() -> None:
    assert basemap.load() is basemap.load()
    assert len(basemap.load()) < 400_000


def test_the_whole_world_is_there_with_codes(features: dict[str, dict[str, Any]]) -> None:
    assert len(features) > 150
    codes = {f["properties"]["iso_a3"] for f in features.values()}
    assert {"IRQ", "SYR", "TUR", "JOR", "IRN", "LBN", "ISR", "SAU", "USA", "FRA", "NOR", "UKR"} <= codes
    assert all(set(f["properties"]) == {"iso_a3", "name"} for f in features.values())


@pytest.mark.parametrize(
    ("place", "lat", "lon", "country"),
    [
        ("Baghdad", 33.31, 44.36, "Iraq"),
        ("Mosul", 36.34, 43.13, "Iraq"),
        ("Damascus", 33.51, 36.29, "Syria"),
        ("Raqqa", 35.95, 39.01, "Syria"),
        ("Ankara", 39.93, 32.85, "Turkey"),
        ("Amman", 31.95, 35.93, "Jordan"),
        ("Brussels", 50.85, 4.35, "Belgium"),
        ("Maseru", -29.31, 27.48, "Lesotho"),
    ],
)
def test_countries_cover_known_places(
    features: dict[str, dict[str, Any]], place: str, lat: float, lon: float, country: str
) -> None:
    covering = [name for name, f in features.items() if covers(f, lat, lon)]
    assert covering == [country], place


def test_the_sea_is_not_land(features: dict[str, dict[str, Any]]) -> None:
    for lat, lon in [(34.0, 33.0), (0.0, -30.0), (45.0, -160.0)]:  # east Mediterranean, Atlantic, Pacific
        assert not any(covers(f, lat, lon) for f in features.values())


def test_rings_are_closed_wound_per_rfc_7946_and_within_wgs84(features: dict[str, dict[str, Any]]) -> None:
    for name, feature in features.items():
        for exterior, *holes in polygons(feature):
            assert signed_area(exterior) > 0, f"{name}: exterior ring not counterclockwise"
            assert all(signed_area(hole) < 0 for hole in holes), f"{name}: hole not clockwise"
            for ring in (exterior, *holes):
                assert len(ring) >= 4 and ring[0] == ring[-1], f"{name}: ring not closed"
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90, f"{name}: {lon}, {lat}"
                    assert round(lon, 3) == lon and round(lat, 3) == lat
