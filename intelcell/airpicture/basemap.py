"""The offline vector basemap of the UI's map page: Natural Earth 1:110m countries as GeoJSON.

``intelcell/data/airpicture/basemap.geojson`` is a FeatureCollection of country polygons and
multipolygons (properties ``iso_a3``, ``name``; ``iso_a3`` is null where Natural Earth has no
code), WGS-84 degrees rounded to 3 decimals, rings wound per RFC 7946. The map draws it instead
of fetching tiles, so it works without a network; ``scripts/extract-basemap`` makes it.
"""

from __future__ import annotations

import functools
from pathlib import Path

BASEMAP = Path(__file__).resolve().parent.parent / "data" / "airpicture" / "basemap.geojson"
MEDIA_TYPE = "application/geo+json"


@functools.cache
def load() -> bytes:
    """The basemap's GeoJSON bytes, read from the package once and then served from memory."""
    return BASEMAP.read_bytes()
