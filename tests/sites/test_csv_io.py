"""CSV site files: reading, whole-file rejection with every problem, writing."""

from __future__ import annotations

import csv
import io

import pytest

from bot.sites.coords import haversine_m, wgs84_to_gcj02
from bot.sites.csv_io import dump_csv, parse_csv
from bot.sites.errors import SiteImportError
from bot.sites.records import SiteRecord
from tests.sites.factories import NANLING, OFFICE_HOURS, make_record, vocabulary

HEADER = "name,kind,address,lat,lon,crs,phone,services,hours"
GOOD = (
    f"和顺社区党群服务中心,党群服务中心,南陵县籍山镇籍山路210号,{NANLING[0]},{NANLING[1]},"
    f'WGS-84,0553-6859660,代办|法律援助,"{OFFICE_HOURS}"'
)


def parse(text: str) -> list[SiteRecord]:
    return parse_csv(text, vocabulary=vocabulary(), source="sites.csv")


def problems_of(text: str) -> list[str]:
    with pytest.raises(SiteImportError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def test_reads_a_row_with_services_split_on_bars() -> None:
    [record] = parse(f"{HEADER}\n{GOOD}\n")
    assert record.services == ("代办", "法律援助")
    assert record.hours is not None and record.hours.on(0) == ((510, 720), (840, 1260))


def test_accepts_excel_bom_and_chinese_list_separator() -> None:
    text = "\ufeff" + HEADER + "\n" + GOOD.replace("代办|法律援助", "代办、律师")
    [record] = parse(text)
    assert record.services == ("代办", "法律援助")


def test_bad_file_lists_every_problem_by_spreadsheet_row_and_field() -> None:
    rows = [
        HEADER,
        GOOD,
        "",  # a blank row 3 is skipped but still counted
        f",党群服务站,某路1号,{NANLING[0]},{NANLING[1]},WGS-84,,饮水,",
        "驿站,驿站,某路2号,30.9,abc,火星,0553-1234567,剪头发|饮水,每天 25:00-26:00",
        GOOD.replace("和顺社区党群服务中心", "驿站丙") + ",多余",
    ]
    assert problems_of("\n".join(rows)) == [
        "row 4, name: missing",
        "row 5, crs: '火星' is not WGS-84 or GCJ-02",
        "row 5, lon: 'abc' is not a number",
        "row 5, services: unknown service '剪头发'",
        "row 5, hours: '25:00-26:00': times run from 00:00 to 24:00",
        "row 6, row: more cells than columns",
    ]


def test_gcj02_rows_are_converted_and_crs_is_required() -> None:
    gcj_lat, gcj_lon = wgs84_to_gcj02(*NANLING)
    row = GOOD.replace(f"{NANLING[0]},{NANLING[1]},WGS-84", f"{gcj_lat},{gcj_lon},GCJ-02")
    [record] = parse(f"{HEADER}\n{row}")
    assert haversine_m(record.lat, record.lon, *NANLING) < 0.01
    assert problems_of(f"{HEADER}\n{GOOD.replace('WGS-84', '')}") == ["row 2, crs: missing"]


def test_missing_required_columns_are_listed_together() -> None:
    assert problems_of("name,kind,address,lat\nx,y,z,1") == [
        "row 1, lon: column missing",
        "row 1, crs: column missing",
        "row 1, phone: column missing",
        "row 1, services: column missing",
    ]


def test_quoted_multiline_cell_does_not_shift_row_numbers() -> None:
    row2 = GOOD.replace("南陵县籍山镇籍山路210号", '"南陵县籍山镇\n籍山路210号"')
    row3 = GOOD.replace("和顺社区党群服务中心", "")
    assert problems_of(f"{HEADER}\n{row2}\n{row3}") == ["row 3, name: missing"]


def test_dump_then_parse_round_trips_every_field() -> None:
    records = [make_record(), make_record(key="k2", hours=None, phone=None, sample=True, grid=None)]
    text = dump_csv(records)
    assert parse(text) == records
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["id", "name", "kind"] and "crs" in header
