"""The grid-cell index: keys, and cells covering a search circle."""

from __future__ import annotations

import random

from bot.sites.cells import MAX_CELLS, bbox_around, cell_key, cells_covering
from bot.sites.coords import haversine_m


def test_cell_keys_are_unique_per_cell_including_negative_coordinates() -> None:
    points = [(30.91, 118.33), (30.91, 118.34), (30.92, 118.33), (-30.91, -118.33), (0.0, -0.001)]
    assert len({cell_key(lat, lon) for lat, lon in points}) == len(points)
    assert cell_key(30.9101, 118.3301) == cell_key(30.9199, 118.3399)


def test_cells_covering_a_walk_hold_every_point_within_reach() -> None:
    rng = random.Random(3)
    for _ in range(50):
        lat, lon = rng.uniform(20, 45), rng.uniform(100, 125)
        cells = cells_covering(bbox_around(lat, lon, 1200))
        assert cells is not None and len(cells) <= 25
        for _ in range(100):
            plat, plon = lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.015, 0.015)
            if haversine_m(lat, lon, plat, plon) <= 1200:
                assert cell_key(plat, plon) in cells


def test_large_radius_falls_back_to_the_bounding_box() -> None:
    assert cells_covering(bbox_around(30.9, 118.3, 20_000)) is None
    assert MAX_CELLS < 20 * 20


def test_bbox_widens_in_longitude_towards_the_poles() -> None:
    south, north = bbox_around(20.0, 110.0, 1000), bbox_around(50.0, 110.0, 1000)
    assert (north.max_lon - north.min_lon) > (south.max_lon - south.min_lon)
    assert abs((north.max_lat - north.min_lat) - (south.max_lat - south.min_lat)) < 1e-12
