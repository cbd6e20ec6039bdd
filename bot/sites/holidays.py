"""The statutory holidays by name (国庆节, 春节 …) and the dates of their next break."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import chinese_calendar

from bot.sites.calendar import DayType, day_type

# How far ahead to look for a holiday's break: a little over a year.
_LOOKAHEAD_DAYS = 400


class NamedHoliday(StrEnum):
    """A statutory holiday (法定节假日); the value is how residents and replies name it."""

    NEW_YEAR = "元旦"
    SPRING_FESTIVAL = "春节"
    TOMB_SWEEPING = "清明节"
    LABOUR_DAY = "劳动节"
    DRAGON_BOAT = "端午节"
    MID_AUTUMN = "中秋节"
    NATIONAL_DAY = "国庆节"


_CALENDAR_NAMES = {
    NamedHoliday.NEW_YEAR: chinese_calendar.Holiday.new_years_day,
    NamedHoliday.SPRING_FESTIVAL: chinese_calendar.Holiday.spring_festival,
    NamedHoliday.TOMB_SWEEPING: chinese_calendar.Holiday.tomb_sweeping_day,
    NamedHoliday.LABOUR_DAY: chinese_calendar.Holiday.labour_day,
    NamedHoliday.DRAGON_BOAT: chinese_calendar.Holiday.dragon_boat_festival,
    NamedHoliday.MID_AUTUMN: chinese_calendar.Holiday.mid_autumn_festival,
    NamedHoliday.NATIONAL_DAY: chinese_calendar.Holiday.national_day,
}
_BY_CALENDAR_NAME = {holiday.value: named for named, holiday in _CALENDAR_NAMES.items()}


def holiday_on(day: dt.date) -> NamedHoliday | None:
    """The statutory holiday `day` belongs to, if the calendar knows one."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the State Council has not published yet
        return None
    return _BY_CALENDAR_NAME.get(name) if is_holiday and name else None


def holiday_break(holiday: NamedHoliday, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """First and last day of the break (放假) containing `holiday` that is under way or next,
    weekends and a neighbouring holiday included (国庆 and 中秋 often share one); None when the
    calendar does not know it yet."""
    day = today
    for _ in range(_LOOKAHEAD_DAYS):
        named = holiday_on(day)
        if named is holiday:
            first, last = day, day
            while day_type(first - dt.timedelta(days=1)) is DayType.STATUTORY_HOLIDAY:
                first -= dt.timedelta(days=1)
            while day_type(last + dt.timedelta(days=1)) is DayType.STATUTORY_HOLIDAY:
                last += dt.timedelta(days=1)
            return first, last
        if named is None and _year_unknown(day):
            return None
        day += dt.timedelta(days=1)
    return None


def _year_unknown(day: dt.date) -> bool:
    try:
        chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return True
    return False
