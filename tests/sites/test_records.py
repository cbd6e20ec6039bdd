"""Field checks shared by the CSV and GeoJSON readers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sites.coords import Crs, haversine_m, wgs84_to_gcj02
from bot.sites.hours import HolidayPolicy
from bot.sites.records import RecordReader, SiteRecord, site_key
from tests.sites.factories import NANLING, raw_site, vocabulary


def read(**changes: Any) -> tuple[SiteRecord | None, list[str]]:
    reader = RecordReader(vocabulary())
    record = reader.read(raw_site(**changes), "row 2")
    return record, [f"{p.field}: {p.message}" for p in reader.problems]


def test_good_fields_make_a_record_keyed_by_name_and_address() -> None:
    record, problems = read()
    assert problems == []
    assert record is not None
    assert record.key == site_key("和顺社区党群服务中心", "南陵县籍山镇籍山路210号")
    assert record.holiday is HolidayPolicy.CLOSED
    assert record.hours is not None and record.hours.on(6) == ()


def test_service_synonyms_and_kind_synonyms_become_canonical() -> None:
    record, problems = read(services="律师、量血压|充手机", kind="暖新加油站")
    assert problems == []
    assert record is not None
    assert record.services == ("健康检测", "手机充电", "法律援助")
    assert record.kind == "暖新驿站"


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    record, problems = read(
        name="",
        services=["剪头发", "代办", "修自行车"],
        hours="周一 9点-17点",
        phone="12",
        kind="网吧",
        level="省",
        holiday="有时",
        sample="maybe",
    )
    assert record is None
    assert problems == [
        "name: missing",
        "kind: unknown kind '网吧'; expected one of 党群服务中心, 党群服务站, 党群驿站, 暖新驿站, "
        "老人助餐点, 长者食堂",
        "level: '省' is not one of 县, 镇·街道, 社区, 小区",
        "services: unknown service '剪头发'",
        "services: unknown service '修自行车'",
        "phone: '12' is not a phone number",
        "hours: '9点-17点' is not a time range like 09:00-17:00",
        "holiday: '有时' is not one of closed, open, weekend",
        "sample: 'maybe' is not true or false",
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"lat": "北纬三十度"}, "lat: '北纬三十度' is not a number"),
        ({"lat": "nan"}, "lat: 'nan' is not a number"),
        ({"lat": 48.85, "lon": 2.29}, "coordinates: (48.85, 2.29) is not in China"),
        ({"lat": NANLING[1], "lon": NANLING[0]}, "latitude and longitude look swapped"),
        ({"crs": "BD-09"}, "crs: 'BD-09' is not WGS-84 or GCJ-02"),
        ({"phone": ...}, "phone: missing"),
        ({"services": ...}, "services: missing"),
        ({"services": [1, 2]}, "services: must be a list of service names"),
        ({"address": "  "}, "address: missing"),
    ],
)
def test_bad_field_is_reported_by_name(changes: dict[str, Any], problem: str) -> None:
    record, problems = read(**changes)
    assert record is None
    assert any(problem in p for p in problems), problems


def test_gcj02_coordinates_are_stored_as_wgs84() -> None:
    gcj = wgs84_to_gcj02(*NANLING)
    record, _ = read(lat=gcj[0], lon=gcj[1], crs="GCJ-02")
    assert record is not None
    assert haversine_m(record.lat, record.lon, *NANLING) < 0.01


def test_missing_crs_uses_the_readers_default_or_is_a_problem() -> None:
    reader = RecordReader(vocabulary(), default_crs=Crs.WGS84)
    assert reader.read(raw_site(crs=...), "feature 1") is not None
    strict = RecordReader(vocabulary(), default_crs=None)
    assert strict.read(raw_site(crs=""), "row 2") is None
    assert [str(p) for p in strict.problems] == ["row 2, crs: missing"]


def test_same_site_twice_in_one_file_is_a_problem_naming_the_first() -> None:
    reader = RecordReader(vocabulary())
    reader.read(raw_site(), "row 2")
    reader.read(raw_site(phone="0553-1234567"), "row 3")
    assert [str(p) for p in reader.problems] == [
        "row 3, id: duplicate site '和顺社区党群服务中心@南陵县籍山镇籍山路210号' (first at row 2)"
    ]


def test_empty_phone_and_hours_mean_unknown() -> None:
    record, problems = read(phone="", hours="")
    assert problems == []
    assert record is not None and record.phone is None and record.hours is None


def test_explicit_id_is_the_key() -> None:
    record, _ = read(id="NL-001")
    assert record is not None and record.key == "NL-001"
