"""Kind of a calendar day in mainland China: workday, weekend, statutory holiday or adjusted workday."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA_TZ = ZoneInfo("Asia/Shanghai")


class DayType(Enum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    STATUTORY_HOLIDAY = "statutory_holiday"  # 法定节假日 (including the weekend days inside one)
    ADJUSTED_WORKDAY = "adjusted_workday"  # 调休上班: a Saturday or Sunday that is a working day


@lru_cache(maxsize=4096)
def day_type(day: dt.date) -> DayType:
    """Official kind of `day`; years the calendar does not cover yet fall back to the week."""
    weekend = day.weekday() >= 5
    try:
        is_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        # chinese-calendar only knows years the State Council has published.
        return DayType.WEEKEND if weekend else DayType.WORKDAY
    if is_holiday and holiday_name is not None:
        return DayType.STATUTORY_HOLIDAY
    if not is_holiday and weekend:
        return DayType.ADJUSTED_WORKDAY
    return DayType.WEEKEND if weekend else DayType.WORKDAY


def to_china_time(moment: dt.datetime) -> dt.datetime:
    """`moment` in Asia/Shanghai; a naive datetime is taken to be Asia/Shanghai already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)


def china_now() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)
