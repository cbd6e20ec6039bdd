"""The grid-cell index: keys, and cells covering a search circle."""

from __future__ import annotations

import random

from bot.sites.cells import MAX_ROWS, bbox_around, cell_key, cell_ranges
from bot.sites.coords import haversine_m


def test_cell_keys_are_unique_per_cell_including_negative_coordinates() -> None:
    points = [(30.91, 118.33), (30.91, 118.34), (30.92, 118.33), (-30.91, -118.33), (0.0, -0.001)]
    assert len({cell_key(lat, lon) for lat, lon in points}) == len(points)
    assert cell_key(30.9101, 118.3301) == cell_key(30.9199, 118.3399)


def test_cell_ranges_of_a_walk_hold_every_point_within_reach() -> None:
    rng = random.Random(3)
    for _ in range(50):
        lat, lon = rng.uniform(20, 45), rng.uniform(100, 125)
        ranges = cell_ranges(lat, lon, 1200)
        assert ranges is not None and len(ranges) <= 4
        for _ in range(100):
            plat, plon = lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.015, 0.015)
            if haversine_m(lat, lon, plat, plon) <= 1200:
                key = cell_key(plat, plon)
                assert any(low <= key <= high for low, high in ranges)


def test_large_radius_falls_back_to_the_bounding_box() -> None:
    assert cell_ranges(30.9, 118.3, 20_000) is None
    assert cell_ranges(30.9, 118.3, 3_000) is not None
    assert MAX_ROWS < 40


def test_bbox_widens_in_longitude_towards_the_poles() -> None:
    south, north = bbox_around(20.0, 110.0, 1000), bbox_around(50.0, 110.0, 1000)
    assert (north.max_lon - north.min_lon) > (south.max_lon - south.min_lon)
    assert abs((north.max_lat - north.min_lat) - (south.max_lat - south.min_lat)) < 1e-12


def test_cell_ranges_are_one_run_of_keys_per_row_narrower_away_from_the_centre() -> None:
    ranges = cell_ranges(30.915, 118.335, 3000)
    assert ranges is not None
    assert [low // 100_000 for low, _high in ranges] == list(range(3088, 3088 + len(ranges)))
    widths = [high - low for low, high in ranges]
    assert widths[0] < max(widths) and widths[-1] < max(widths)
