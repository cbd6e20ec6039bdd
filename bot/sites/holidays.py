"""The statutory holidays by name (国庆节, 春节 …) and the dates of their next break."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from bot import china_time

# How far ahead to look for a holiday's break: a little over a year.
_LOOKAHEAD_DAYS = 400


class NamedHoliday(StrEnum):
    """A statutory holiday (法定节假日); the value is how replies name it."""

    NEW_YEAR = "元旦"
    SPRING_FESTIVAL = "春节"
    TOMB_SWEEPING = "清明节"
    LABOUR_DAY = "劳动节"
    DRAGON_BOAT = "端午节"
    MID_AUTUMN = "中秋节"
    NATIONAL_DAY = "国庆节"


# china_time.holiday_name spells some without 节.
_BY_CALENDAR_NAME = {
    "元旦": NamedHoliday.NEW_YEAR,
    "春节": NamedHoliday.SPRING_FESTIVAL,
    "清明": NamedHoliday.TOMB_SWEEPING,
    "劳动节": NamedHoliday.LABOUR_DAY,
    "端午": NamedHoliday.DRAGON_BOAT,
    "中秋": NamedHoliday.MID_AUTUMN,
    "国庆节": NamedHoliday.NATIONAL_DAY,
}


def holiday_on(day: dt.date) -> NamedHoliday | None:
    """The statutory holiday `day` is a day off for, if the calendar knows one."""
    if not china_time.is_holiday(day):
        return None
    return _BY_CALENDAR_NAME.get(china_time.holiday_name(day) or "")


def holiday_break(holiday: NamedHoliday, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """First and last day of the break (放假) containing `holiday` that is under way or next,
    weekends and a neighbouring holiday included (国庆 and 中秋 often share one); None when the
    calendar does not know it yet."""
    day = today
    for _ in range(_LOOKAHEAD_DAYS):
        if not china_time.calendar_known(day.year):
            return None
        if holiday_on(day) is holiday:
            first, last = day, day
            while china_time.is_holiday(first - dt.timedelta(days=1)):
                first -= dt.timedelta(days=1)
            while china_time.is_holiday(last + dt.timedelta(days=1)):
                last += dt.timedelta(days=1)
            return first, last
        day += dt.timedelta(days=1)
    return None
