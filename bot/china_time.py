"""China time: the Asia/Shanghai clock and the official calendar of workdays, holidays and 调休.

Every part of the app that reasons about local days and hours (site opening hours, the 1341
deadlines, staff hours, bookings) asks this module, so they all agree on what day it is and
whether that day is worked. The calendar comes from `chinese-calendar`, which knows the years
the State Council has published; for a later year days fall back to the plain week (Monday to
Friday worked) and `calendar_known(year)` says so, so a reply can say that the holiday
arrangements are not published yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

logger = logging.getLogger(__name__)

ZONE = ZoneInfo("Asia/Shanghai")


class DayType(Enum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    STATUTORY_HOLIDAY = "statutory_holiday"  # 法定节假日 (including the weekend days inside one)
    ADJUSTED_WORKDAY = "adjusted_workday"  # 调休上班: a Saturday or Sunday that is a working day


def now() -> dt.datetime:
    """The current moment in Asia/Shanghai."""
    return dt.datetime.now(ZONE)


def today() -> dt.date:
    """Today's date in Asia/Shanghai (not the server's: it may run in UTC)."""
    return now().date()


def to_china(moment: dt.datetime) -> dt.datetime:
    """`moment` in Asia/Shanghai; a naive datetime is taken to be Asia/Shanghai already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZONE)
    return moment.astimezone(ZONE)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` as aware UTC (what the database stores); naive means Asia/Shanghai."""
    return to_china(moment).astimezone(dt.UTC)


def at(day: dt.date, clock: dt.time = dt.time()) -> dt.datetime:
    """`clock` on `day` in Asia/Shanghai (midnight by default).

    China has had no daylight-saving time since 1991, so adding minutes to this midnight is
    exact: callers that count minutes after midnight may do so.
    """
    return dt.datetime.combine(day, clock, tzinfo=ZONE)


@lru_cache(maxsize=64)
def calendar_known(year: int) -> bool:
    """Whether the official holiday arrangements for `year` are in the calendar."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def _official(day: dt.date) -> tuple[bool, str | None] | None:
    # (is a day off, festival it belongs to), or None for a year not published yet.
    if not calendar_known(day.year):
        _warn_unknown_year(day.year)
        return None
    is_day_off, festival = chinese_calendar.get_holiday_detail(day)
    return bool(is_day_off), festival


@lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    # Once per year and process: the fallback is expected until the library is updated.
    logger.warning("chinese-calendar has no data for %s yet; assuming Mon-Fri working days", year)


def day_type(day: dt.date) -> DayType:
    """Official kind of `day`; years the calendar does not cover yet fall back to the week."""
    weekend = day.weekday() >= 5
    official = _official(day)
    if official is not None:
        is_day_off, festival = official
        if is_day_off and festival is not None:
            return DayType.STATUTORY_HOLIDAY
        if not is_day_off and weekend:
            return DayType.ADJUSTED_WORKDAY
    return DayType.WEEKEND if weekend else DayType.WORKDAY


def is_workday(day: dt.date) -> bool:
    """A working day: Monday to Friday outside statutory holidays, or a 调休 weekend day."""
    return day_type(day) in (DayType.WORKDAY, DayType.ADJUSTED_WORKDAY)


def is_holiday(day: dt.date) -> bool:
    """A statutory holiday (法定节假日), the weekend days inside one included."""
    return day_type(day) is DayType.STATUTORY_HOLIDAY


def holiday_name(day: dt.date) -> str | None:
    """The festival (Chinese name, e.g. 国庆节) a holiday or 调休 working day belongs to."""
    official = _official(day)
    if official is None or official[1] is None:
        return None
    return str(chinese_calendar.Holiday(official[1]).chinese)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (`day` itself never counts, as in Chinese
    administrative practice)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    while count:
        current += dt.timedelta(days=1)
        if is_workday(current):
            count -= 1
    return current
