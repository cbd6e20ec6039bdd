"""The registry's spatial index: fixed 0.01° grid cells stored in the indexed `sites.cell_key`.

A cell is about 1.1 km north-south (and 0.95 km east-west at 30°N), so the 1.2 km of a
15-minute walk is covered by 3-4 cells each way; the database finds their sites by index
and the caller refines the candidates by exact distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.sites.coords import EARTH_RADIUS_M

CELL_DEG = 0.01
# Keys are row * _ROW + column; |column| <= 18_000 < _ROW / 2 keeps them unique.
_ROW = 100_000
_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180
# Beyond this many cells a bounding-box scan of the (lat, lon) index is cheaper than IN (...).
MAX_CELLS = 64


@dataclass(frozen=True)
class BBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def cell_key(lat: float, lon: float) -> int:
    return math.floor(lat / CELL_DEG) * _ROW + math.floor(lon / CELL_DEG)


def bbox_around(lat: float, lon: float, radius_m: float) -> BBox:
    """A box holding every point within `radius_m` of (lat, lon), with a small safety margin."""
    dlat = radius_m * 1.001 / _M_PER_DEG_LAT
    cos_lat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    dlon = min(dlat / cos_lat, 180.0)
    return BBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def cells_covering(box: BBox) -> list[int] | None:
    """Keys of the cells that meet `box`, or None when there would be more than MAX_CELLS."""
    row0, row1 = math.floor(box.min_lat / CELL_DEG), math.floor(box.max_lat / CELL_DEG)
    col0, col1 = math.floor(box.min_lon / CELL_DEG), math.floor(box.max_lon / CELL_DEG)
    if (row1 - row0 + 1) * (col1 - col0 + 1) > MAX_CELLS:
        return None
    return [r * _ROW + c for r in range(row0, row1 + 1) for c in range(col0, col1 + 1)]
