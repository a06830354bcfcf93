"""WGS-84 geometry: a local east-north-up frame for the tracker, and radar polar plots to positions.

The tracker works in metres on a local tangent plane at a reference point of the area of
operations; conversions go through Earth-centred coordinates so they are exact in 3-D.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

A = 6_378_137.0  # WGS-84 semi-major axis, metres
F = 1 / 298.257223563
E2 = F * (2 - F)

Array = npt.NDArray[np.float64]


def to_ecef(lat: Array | float, lon: Array | float, alt: Array | float) -> tuple[Array, Array, Array]:
    """Earth-centred, Earth-fixed coordinates (metres) of WGS-84 positions in degrees and metres."""
    la, lo = np.radians(lat), np.radians(lon)
    sin_la = np.sin(la)
    n = A / np.sqrt(1 - E2 * sin_la**2)
    x = (n + alt) * np.cos(la) * np.cos(lo)
    y = (n + alt) * np.cos(la) * np.sin(lo)
    z = (n * (1 - E2) + alt) * sin_la
    return np.asarray(x), np.asarray(y), np.asarray(z)


def from_ecef(x: Array, y: Array, z: Array) -> tuple[Array, Array, Array]:
    """WGS-84 latitude, longitude (degrees) and height (metres) of Earth-centred coordinates.

    Bowring's formula with two refinements: sub-millimetre for aircraft altitudes.
    """
    lon = np.arctan2(y, x)
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1 - E2))
    for _ in range(3):
        n = A / np.sqrt(1 - E2 * np.sin(lat) ** 2)
        h = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1 - E2 * n / (n + h)))
    n = A / np.sqrt(1 - E2 * np.sin(lat) ** 2)
    h = p / np.cos(lat) - n
    return np.degrees(lat), np.degrees(lon), h


class LocalFrame:
    """An east-north-up frame in metres, tangent to the ellipsoid at a reference point."""

    def __init__(self, lat0: float, lon0: float, alt0: float = 0.0) -> None:
        self.lat0, self.lon0, self.alt0 = lat0, lon0, alt0
        la, lo = math.radians(lat0), math.radians(lon0)
        self._origin = np.array(to_ecef(lat0, lon0, alt0), dtype=float)
        # Rows: east, north, up unit vectors in ECEF.
        self._rot = np.array(
            [
                [-math.sin(lo), math.cos(lo), 0.0],
                [-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)],
                [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)],
            ]
        )

    def to_enu(self, lat: Array | float, lon: Array | float, alt: Array | float = 0.0) -> Array:
        """East, north, up (metres) of positions; shape (3,) for scalars, (3, n) for arrays."""
        ecef = np.array(to_ecef(lat, lon, alt), dtype=float)
        delta = ecef - (self._origin if ecef.ndim == 1 else self._origin[:, None])
        return self._rot @ delta

    def to_wgs84(
        self, east: Array | float, north: Array | float, up: Array | float = 0.0
    ) -> tuple[Array, Array, Array]:
        """Latitude, longitude (degrees) and height (metres) of local east-north-up positions."""
        enu = np.array(np.broadcast_arrays(east, north, up), dtype=float)
        ecef = self._rot.T @ enu + (self._origin if enu.ndim == 1 else self._origin[:, None])
        return from_ecef(ecef[0], ecef[1], ecef[2])

    def surface_to_wgs84(self, east: Array | float, north: Array | float) -> tuple[Array, Array]:
        """Latitude and longitude of the ellipsoid point whose local horizontal position is given.

        The inverse of ``to_enu(lat, lon, 0)`` on the horizontal axes: the tracker keeps only east
        and north, so the way back must find the height on the tangent plane's normal at which
        the point lies on the ellipsoid (the plane is 7 km above it at 300 km from the origin).
        """
        e, n = np.broadcast_arrays(np.asarray(east, dtype=float), np.asarray(north, dtype=float))
        up = -(e**2 + n**2) / (2 * A)
        for _ in range(3):
            lat, lon, h = self.to_wgs84(e, n, up)
            up = up - h
        lat, lon, _ = self.to_wgs84(e, n, up)
        return lat, lon


def polar_to_wgs84(
    site_lat: float, site_lon: float, site_alt: float, rho_m: float, theta_deg: float, alt_m: float | None
) -> tuple[float, float]:
    """Position of a radar plot at slant range ``rho_m`` and azimuth ``theta_deg`` from its site.

    ASTERIX CAT048 gives slant range and the Mode C flight level, not the position. The Earth's
    curvature matters: at 366 km a flat-Earth projection puts the plot 1.7 km short. The site and
    target heights and the slant range fix the angle at the Earth's centre (law of cosines on a
    sphere of the local radius); the target is then placed in the site's east-north-up frame.
    Without an altitude the plot is taken at the site's height, the usual primary-only fallback.
    """
    radius = _local_radius(site_lat)
    site_r = radius + site_alt
    target_r = radius + (site_alt if alt_m is None else alt_m)
    cos_gamma = (site_r**2 + target_r**2 - rho_m**2) / (2 * site_r * target_r)
    gamma = math.acos(max(-1.0, min(1.0, cos_gamma)))
    horizontal = target_r * math.sin(gamma)
    up = target_r * math.cos(gamma) - site_r
    theta = math.radians(theta_deg)
    frame = LocalFrame(site_lat, site_lon, site_alt)
    lat, lon, _ = frame.to_wgs84(horizontal * math.sin(theta), horizontal * math.cos(theta), up)
    return float(lat), float(lon)


def _local_radius(lat: float) -> float:
    """The Gaussian mean radius of curvature of the ellipsoid at a latitude, in metres."""
    s = math.sin(math.radians(lat))
    return A * math.sqrt(1 - E2) / (1 - E2 * s * s)


def polar_sigma_m(rho_m: float, range_sigma_m: float, azimuth_sigma_deg: float) -> float:
    """One-sigma horizontal error of a polar plot: the larger of range and cross-range errors."""
    return max(range_sigma_m, rho_m * math.radians(azimuth_sigma_deg))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine on the mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, h)))
