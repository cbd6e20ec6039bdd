"""The registry's spatial index: fixed 0.01° grid cells stored in the indexed `sites.cell_key`.

A cell is about 1.1 km north-south (and 0.95 km east-west at 30°N), so the 1.2 km of a
15-minute walk is covered by 3-4 cells each way. Keys run along a row of cells, so each row
is one range of keys: the database scans 3-4 index ranges and the caller refines the
candidates by exact distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.sites.coords import EARTH_RADIUS_M

CELL_DEG = 0.01
# Keys are row * _ROW + column; |column| <= 18_000 < _ROW / 2 keeps them unique.
_ROW = 100_000
_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180
# Up to this many rows of cells (about 8 km) a search is a few index range scans, one per row;
# beyond it, a bounding-box scan of the (lat, lon) index.
MAX_ROWS = 8


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


def cell_ranges(lat: float, lon: float, radius_m: float) -> list[tuple[int, int]] | None:
    """For each row of cells the circle meets, the first and last key of the cells it meets
    there (rows away from the centre need fewer columns); None when there are more than
    MAX_ROWS rows, where a bounding-box scan is the better plan."""
    box = bbox_around(lat, lon, radius_m)
    row0, row1 = math.floor(box.min_lat / CELL_DEG), math.floor(box.max_lat / CELL_DEG)
    if row1 - row0 + 1 > MAX_ROWS:
        return None
    reach = radius_m * 1.001  # the same safety margin as the box
    ranges = []
    for row in range(row0, row1 + 1):
        south, north = row * CELL_DEG, (row + 1) * CELL_DEG
        gap_m = max(south - lat, lat - north, 0.0) * _M_PER_DEG_LAT  # centre to this row
        half_m = math.sqrt(max(reach * reach - gap_m * gap_m, 0.0))
        cos_lat = max(math.cos(math.radians(max(abs(south), abs(north)))), 1e-6)
        dlon = half_m / (_M_PER_DEG_LAT * cos_lat)
        first, last = math.floor((lon - dlon) / CELL_DEG), math.floor((lon + dlon) / CELL_DEG)
        ranges.append((row * _ROW + first, row * _ROW + last))
    return ranges
