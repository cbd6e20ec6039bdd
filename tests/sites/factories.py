"""Builders for the site tests: the real vocabulary, site records and raw file fields."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from bot.config import Settings
from bot.sites.hours import HolidayPolicy, parse_hours
from bot.sites.records import SiteRecord
from bot.vocabulary import Vocabulary, load_vocabulary

OFFICE_HOURS = "周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息"
# Somewhere in 南陵县's county seat (WGS-84).
NANLING = (30.9197, 118.3347)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_vocabulary(Settings().vocabulary_file)


def make_record(**changes: Any) -> SiteRecord:
    record = SiteRecord(
        key="和顺社区党群服务中心@南陵县籍山镇籍山路210号",
        name="和顺社区党群服务中心",
        kind="党群服务中心",
        address="南陵县籍山镇籍山路210号",
        lat=NANLING[0],
        lon=NANLING[1],
        services=("代办", "法律援助"),
        phone="0553-6859660",
        level="社区",
        street="籍山镇",
        community="和顺社区",
        grid="第一网格",
        hours=parse_hours(OFFICE_HOURS),
        holiday=HolidayPolicy.CLOSED,
        accessibility="无障碍坡道",
    )
    return replace(record, **changes)


def raw_site(**changes: Any) -> dict[str, Any]:
    """Fields of one good site as a file row carries them (strings, WGS-84)."""
    raw: dict[str, Any] = {
        "name": "和顺社区党群服务中心",
        "kind": "党群服务中心",
        "address": "南陵县籍山镇籍山路210号",
        "lat": NANLING[0],
        "lon": NANLING[1],
        "crs": "WGS-84",
        "phone": "0553-6859660",
        "services": ["代办", "法律援助"],
        "hours": OFFICE_HOURS,
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not ...}
