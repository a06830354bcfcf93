"""Administrator-defined areas: a track inside one also carries the area's label."""

from __future__ import annotations

from dataclasses import dataclass


class AreaError(ValueError):
    """A polygon that does not describe an area."""


@dataclass(frozen=True, slots=True)
class Area:
    """A named polygon of WGS-84 vertices (latitude, longitude), closed implicitly."""

    id: str
    polygon: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if len(self.polygon) < 3:
            raise AreaError(f"area {self.id}: a polygon needs at least three vertices")
        for lat, lon in self.polygon:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise AreaError(f"area {self.id}: vertex {lat}, {lon} is not WGS-84")

    def contains(self, lat: float, lon: float) -> bool:
        """Whether a position lies inside the polygon (even-odd rule; areas do not cross 180 degrees)."""
        inside = False
        pts = self.polygon
        j = len(pts) - 1
        for i in range(len(pts)):
            (lat_i, lon_i), (lat_j, lon_j) = pts[i], pts[j]
            if (lat_i > lat) != (lat_j > lat):
                crossing = lon_i + (lat - lat_i) * (lon_j - lon_i) / (lat_j - lat_i)
                if lon < crossing:
                    inside = not inside
            j = i
        return inside
