"""Builders for booking tests: a site with hours and bookable services, bookings, a clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import china_time
from bot.bookings.service import NewBooking, book
from bot.db.bookings import Booking
from bot.db.sites import Site
from bot.sites.hours import HolidayPolicy, parse_hours
from bot.sites.records import SiteRecord
from bot.sites.registry import upsert_sites

# Wednesday 2026-11-25, 10:00 in Shanghai: a plain working day.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=china_time.ZONE)
HOURS = "周一至周五 08:30-12:00,14:00-18:00; 周六 09:00-12:00; 周日 休息"
SERVICES = ("法律援助", "健康检测", "家政服务", "图书阅览")


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=china_time.ZONE)  # type: ignore[misc]


def add_site(
    session: Session,
    *,
    name: str = "和顺社区党群服务站",
    hours: str | None = HOURS,
    holiday: HolidayPolicy = HolidayPolicy.CLOSED,
    services: tuple[str, ...] = SERVICES,
    lat: float = 30.9197,
    lon: float = 118.3347,
    community: str = "和顺社区",
    grid: str = "第一网格",
) -> Site:
    record = SiteRecord(
        key=f"{name}@test", name=name, kind="党群服务站", address=f"{name}一楼",
        lat=lat, lon=lon, services=tuple(sorted(services)), phone="0553-6812345",
        level="社区", street=None, community=community, grid=grid,
        hours=parse_hours(hours) if hours else None, holiday=holiday, accessibility=None,
        sample=True,
    )  # fmt: skip
    upsert_sites(session=session, records=[record])
    return session.scalars(select(Site).where(Site.key == record.key)).one()


def add_booking(
    session: Session,
    site: Site,
    start: dt.datetime,
    *,
    service: str = "法律援助",
    user_id: str = "10001",
    people: int = 1,
    now: dt.datetime = NOW,
) -> Booking:
    request = NewBooking(
        channel="telegram",
        user_id=user_id,
        site_id=site.id,
        service=service,
        start=start,
        people=people,
    )
    return book(session=session, request=request, now=now)
