"""GeoJSON site files: reading, whole-file rejection with every problem, writing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.sites.coords import haversine_m, wgs84_to_gcj02
from bot.sites.errors import SiteImportError
from bot.sites.geojson_io import dump_geojson, parse_geojson
from tests.sites.factories import NANLING, make_record, raw_site, vocabulary


def feature(lon: float = NANLING[1], lat: float = NANLING[0], **props: Any) -> dict[str, Any]:
    properties = raw_site(**({"crs": ...} | props))
    del properties["lat"], properties["lon"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def collection(*features: Any, **members: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **members})


def parse(text: str) -> list[Any]:
    return list(parse_geojson(text, vocabulary=vocabulary(), source="sites.geojson"))


def problems_of(text: str) -> list[str]:
    with pytest.raises(SiteImportError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def test_reads_point_features_as_lon_lat_in_wgs84() -> None:
    [record] = parse(collection(feature()))
    assert (record.lat, record.lon) == NANLING
    assert record.services == ("代办", "法律援助")


def test_bad_file_lists_every_problem_by_feature_and_field() -> None:
    text = collection(
        feature(),
        feature(name="", services=["剪头发"]),
        {"type": "Feature", "geometry": None, "properties": raw_site(name="驿站甲")},
        feature(lon=NANLING[0], lat=NANLING[1], name="驿站乙", hours="周一 9-5"),
        {"type": "Point"},
    )
    assert problems_of(text) == [
        "feature 2, name: missing",
        "feature 2, services: unknown service '剪头发'",
        "feature 3, geometry: must be a Point",
        "feature 4, coordinates: (118.3347, 30.9197) is not in China; latitude and longitude "
        "look swapped",
        "feature 4, hours: '9-5' is not a time range like 09:00-17:00",
        "feature 5, type: must be a Feature",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "file, json:"),
        ('{"type": "Feature"}', "file, type: must be a FeatureCollection"),
        ('{"type": "FeatureCollection"}', "file, features: must be a list"),
        ('{"type": "FeatureCollection", "features": [], "crs": "BD-09"}', "file, crs:"),
    ],
)
def test_broken_file_structure_is_one_file_level_problem(text: str, problem: str) -> None:
    [found] = problems_of(text)
    assert found.startswith(problem)


def test_top_level_gcj02_member_converts_every_feature() -> None:
    gcj_lat, gcj_lon = wgs84_to_gcj02(*NANLING)
    [record] = parse(collection(feature(lon=gcj_lon, lat=gcj_lat), crs="GCJ-02"))
    assert haversine_m(record.lat, record.lon, *NANLING) < 0.01


def test_feature_crs_property_overrides_the_file() -> None:
    gcj_lat, gcj_lon = wgs84_to_gcj02(*NANLING)
    [record] = parse(collection(feature(lon=gcj_lon, lat=gcj_lat, crs="GCJ-02")))
    assert haversine_m(record.lat, record.lon, *NANLING) < 0.01


def test_legacy_crs84_object_is_accepted_as_wgs84() -> None:
    legacy = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    [record] = parse(collection(feature(), crs=legacy))
    assert (record.lat, record.lon) == NANLING


def test_third_coordinate_altitude_is_ignored() -> None:
    point = {"type": "Point", "coordinates": [NANLING[1], NANLING[0], 12.0]}
    [record] = parse(collection(feature() | {"geometry": point}))
    assert (record.lat, record.lon) == NANLING


def test_dump_then_parse_round_trips_every_field() -> None:
    records = [
        make_record(),
        make_record(key="k2", hours=None, phone=None, sample=True, level=None),
    ]
    text = dump_geojson(records)
    assert parse(text) == records
    document = json.loads(text)
    first = document["features"][0]
    assert first["geometry"]["coordinates"] == [NANLING[1], NANLING[0]]
    assert first["properties"]["crs"] == "WGS-84"
    assert (
        first["properties"]["hours"]
        == "周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息"
    )
