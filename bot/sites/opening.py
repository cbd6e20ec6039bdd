"""Is a site open at a given moment, when does it close, when does it open next (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import china_time
from bot.china_time import DayType, day_type
from bot.sites.hours import HolidayPolicy, Interval, WeeklyHours

# How far ahead to look for the next opening; a site closed longer than this is "not soon".
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class OpeningState:
    """`closes_at` is set when open (None: open round the clock); `opens_at` when closed."""

    open_now: bool
    closes_at: dt.datetime | None = None
    opens_at: dt.datetime | None = None


def intervals_on(hours: WeeklyHours, holiday: HolidayPolicy, day: dt.date) -> tuple[Interval, ...]:
    """The opening intervals that apply on `day`, after statutory holidays and 调休."""
    if holiday is HolidayPolicy.OPEN:
        return hours.on(day.weekday())
    kind = day_type(day)
    if kind is DayType.STATUTORY_HOLIDAY:
        return () if holiday is HolidayPolicy.CLOSED else hours.on(5)
    if kind is DayType.ADJUSTED_WORKDAY:
        return hours.workday
    return hours.on(day.weekday())


def opening_state(hours: WeeklyHours, holiday: HolidayPolicy, at: dt.datetime) -> OpeningState:
    local = china_time.to_china(at)
    minute = local.hour * 60 + local.minute
    today = local.date()
    for opens, closes in intervals_on(hours, holiday, today):
        if opens <= minute < closes:
            return OpeningState(True, closes_at=_closing_time(hours, holiday, today, closes))
    return OpeningState(False, opens_at=_next_opening(hours, holiday, today, minute))


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return china_time.at(day) + dt.timedelta(minutes=minutes)  # exact: no DST in China


def _closing_time(
    hours: WeeklyHours, holiday: HolidayPolicy, day: dt.date, closes: int
) -> dt.datetime | None:
    # An interval ending at 24:00 continues into one starting at 00:00 the next day.
    for _ in range(LOOKAHEAD_DAYS):
        if closes < 1440:
            return _at(day, closes)
        day += dt.timedelta(days=1)
        following = intervals_on(hours, holiday, day)
        if not following or following[0][0] != 0:
            return _at(day, 0)
        closes = following[0][1]
    return None


def _next_opening(
    hours: WeeklyHours, holiday: HolidayPolicy, day: dt.date, minute: int
) -> dt.datetime | None:
    for offset in range(LOOKAHEAD_DAYS + 1):
        current = day + dt.timedelta(days=offset)
        for opens, _closes in intervals_on(hours, holiday, current):
            if offset > 0 or opens > minute:
                return _at(current, opens)
    return None
