"""Coordinate systems (WGS-84, GCJ-02) and great-circle distance.

Chinese map providers (高德, 腾讯) publish GCJ-02; the registry stores WGS-84 only, so every
coordinate is converted once, on the way in or out.
The conversion formulas come from `prcoords` (public domain), which also has an
iterative GCJ-02 -> WGS-84 inverse accurate to well under a metre.
"""

from __future__ import annotations

import math
from enum import StrEnum

import prcoords  # type: ignore[import-untyped]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# The rectangle in which GCJ-02 is applied (the same test as prcoords and eviltransform);
# outside it the providers publish plain WGS-84.
_CHINA_LAT = (0.8293, 55.8271)
_CHINA_LON = (72.004, 137.8347)


class Crs(StrEnum):
    WGS84 = "WGS-84"
    GCJ02 = "GCJ-02"


_CRS_ALIASES = {
    "wgs84": Crs.WGS84,
    "wgs-84": Crs.WGS84,
    "epsg:4326": Crs.WGS84,
    "gcj02": Crs.GCJ02,
    "gcj-02": Crs.GCJ02,
    "火星坐标": Crs.GCJ02,
}


def parse_crs(text: str) -> Crs | None:
    """`Crs` named by `text` (case-insensitive, with or without the dash), or None."""
    return _CRS_ALIASES.get(text.strip().lower())


def valid_point(lat: object, lon: object) -> tuple[float, float] | None:
    """(lat, lon) as floats when they name a point on Earth, else None.

    Everything that enters from outside (a WeChat location, a slot, an API field) passes here:
    NaN, infinities and 999 would otherwise crash the nearest-site search or a ticket insert.
    """
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    try:
        point = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if not all(math.isfinite(v) for v in point):
        return None
    if -90 <= point[0] <= 90 and -180 <= point[1] <= 180:
        return point
    return None


def in_china(lat: float, lon: float) -> bool:
    return _CHINA_LAT[0] <= lat <= _CHINA_LAT[1] and _CHINA_LON[0] <= lon <= _CHINA_LON[1]


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not in_china(lat, lon):
        return lat, lon
    out = prcoords.wgs_gcj((lat, lon), False)
    return float(out.lat), float(out.lon)


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if not in_china(lat, lon):
        return lat, lon
    out = prcoords.gcj_wgs_bored((lat, lon), False)
    return float(out.lat), float(out.lon)


def to_wgs84(lat: float, lon: float, crs: Crs) -> tuple[float, float]:
    if crs is Crs.GCJ02:
        return gcj02_to_wgs84(lat, lon)
    return lat, lon


def from_wgs84(lat: float, lon: float, crs: Crs) -> tuple[float, float]:
    if crs is Crs.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    return lat, lon


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
