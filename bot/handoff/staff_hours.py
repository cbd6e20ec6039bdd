"""When staff answer residents: weekly hours in the sites' format, closed on statutory holidays,
open on 调休 working weekend days (the calendar the sites use); and clocks that run only then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import china_time
from bot.config import Settings
from bot.sites.hours import (
    HolidayPolicy,
    HoursFormatError,
    WeeklyHours,
    parse_holiday_policy,
    parse_hours,
)
from bot.sites.opening import intervals_on, opening_state

LOOKAHEAD_DAYS = 30


@dataclass(frozen=True)
class StaffHours:
    hours: WeeklyHours
    holidays: HolidayPolicy = HolidayPolicy.CLOSED

    def is_open(self, at: dt.datetime) -> bool:
        return opening_state(self.hours, self.holidays, at).open_now

    def next_open(self, at: dt.datetime) -> dt.datetime | None:
        """When staff are next back (None within staff hours, or if never in 14 days)."""
        state = opening_state(self.hours, self.holidays, at)
        return None if state.open_now else state.opens_at

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """`start` plus `minutes` of staff time (a clock paused outside staff hours)."""
        local = china_time.to_china(start)
        remaining = minutes
        for offset in range(LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            midnight = china_time.at(day)
            now_minute = (local - midnight).total_seconds() / 60 if offset == 0 else 0.0
            for opens, closes in intervals_on(self.hours, self.holidays, day):
                begin = max(float(opens), now_minute)
                if begin >= closes:
                    continue
                if remaining <= closes - begin:
                    return (midnight + dt.timedelta(minutes=begin + remaining)).astimezone(dt.UTC)
                remaining -= closes - begin
        # No staff hours for a month (a misconfiguration): do not wait for ever.
        return start + dt.timedelta(minutes=minutes)


def parse_staff_hours(text: str, holidays: str = "closed") -> StaffHours:
    policy = parse_holiday_policy(holidays)
    if policy is None:
        raise HoursFormatError(f"JIAMENKOU_STAFF_HOLIDAYS: {holidays!r} is not closed/open/weekend")
    return StaffHours(parse_hours(text), policy)


def staff_hours_of(settings: Settings) -> StaffHours:
    return parse_staff_hours(settings.staff_hours, settings.staff_holidays)
