"""GCJ-02 <-> WGS-84 against published reference points, and distances."""

from __future__ import annotations

import random

import pytest

from bot.sites.coords import (
    Crs,
    from_wgs84,
    gcj02_to_wgs84,
    haversine_m,
    in_china,
    parse_crs,
    to_wgs84,
    wgs84_to_gcj02,
)

# (WGS-84 lat, lon) -> (GCJ-02 lat, lon): the test vectors of eviltransform (Shanghai, Shenzhen,
# Beijing) and of geoChina (Tiananmen).
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ((39.90734, 116.39089), (39.90874107, 116.39713094)),
]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_wgs84_to_gcj02_matches_reference_points(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    lat, lon = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-7)
    assert lon == pytest.approx(gcj[1], abs=1e-7)


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_gcj02_to_wgs84_recovers_reference_points_to_a_centimetre(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < 0.01


def test_gcj02_to_wgs84_matches_gcoord_reference() -> None:
    # gcoord's unit test: GCJ-02 [123, 45] (lon, lat) -> WGS-84 [122.99395597, 44.99804071].
    lat, lon = gcj02_to_wgs84(45.0, 123.0)
    assert abs(lat - 44.99804071) < 5e-6
    assert abs(lon - 122.99395597) < 5e-6


def test_gcj02_offset_in_nanling_is_a_few_hundred_metres() -> None:
    gcj = wgs84_to_gcj02(30.9197, 118.3347)
    assert 100 < haversine_m(30.9197, 118.3347, *gcj) < 1000


def test_round_trip_through_gcj02_stays_within_a_centimetre_on_random_points() -> None:
    rng = random.Random(7)
    for _ in range(200):
        lat, lon = rng.uniform(18.5, 53.0), rng.uniform(74.0, 134.0)
        assert haversine_m(lat, lon, *gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))) < 0.01


def test_points_outside_china_are_left_as_they_are() -> None:
    assert wgs84_to_gcj02(48.8584, 2.2945) == (48.8584, 2.2945)
    assert gcj02_to_wgs84(-33.8568, 151.2153) == (-33.8568, 151.2153)
    assert not in_china(48.8584, 2.2945)


def test_to_and_from_wgs84_dispatch_on_crs() -> None:
    gcj = from_wgs84(31.1774276, 121.5272106, Crs.GCJ02)
    assert gcj == wgs84_to_gcj02(31.1774276, 121.5272106)
    assert to_wgs84(*gcj, Crs.WGS84) == gcj
    assert haversine_m(*to_wgs84(*gcj, Crs.GCJ02), 31.1774276, 121.5272106) < 0.01


@pytest.mark.parametrize(
    ("text", "crs"),
    [("WGS-84", Crs.WGS84), ("wgs84", Crs.WGS84), ("EPSG:4326", Crs.WGS84),
     ("GCJ-02", Crs.GCJ02), ("gcj02", Crs.GCJ02), (" GCJ-02 ", Crs.GCJ02), ("BD-09", None)],
)  # fmt: skip
def test_parse_crs_accepts_common_spellings(text: str, crs: Crs | None) -> None:
    assert parse_crs(text) == crs


def test_haversine_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_m(30.0, 118.0, 31.0, 118.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(30.0, 118.0, 30.0, 118.0) == 0
