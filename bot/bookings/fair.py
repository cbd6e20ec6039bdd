"""The monthly fair (党群便民服务大集): every third Saturday each community's 党群服务中心 sets up
stalls (政策宣讲, 法律援助, 健康义诊 …, from the seed reports). Residents ask when the next one
is and sign up for it like any booking, at the centre serving them.

A third Saturday that is a statutory holiday (2026-02-21 in the Spring Festival, 2026-06-20 on
Dragon Boat) would find the stall-holders away: that month's fair moves to the next Saturday
that is no holiday, and the answer says so. A 调休 working Saturday changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import china_time
from bot.bookings.dates import Grain, When

SERVICE = "便民服务大集"  # the canonical vocabulary name the fair is booked under
HOST_KIND = "党群服务中心"
OPENS = dt.time(9, 0)
CLOSES = dt.time(11, 30)
STALLS = ("政策宣讲", "法律援助", "健康义诊", "扶贫帮困", "助老助残", "代办咨询")
SATURDAY = 5
# The date parser reads days, not months; a fair is asked for by month ("下个月的大集").
_MONTH = re.compile(
    r"(下下个?月|下个?月|这个?月|本月|明年\s*(\d{1,2})\s*月|(\d{1,2})\s*月份?)(?![0-9]*[日号])"
)


@dataclass(frozen=True)
class FairDay:
    day: dt.date
    usual: dt.date  # the month's third Saturday
    holiday: str | None  # the festival that moved it, when it moved

    @property
    def moved(self) -> bool:
        return self.day != self.usual

    @property
    def start(self) -> dt.datetime:
        return china_time.at(self.day, OPENS)

    @property
    def end(self) -> dt.datetime:
        return china_time.at(self.day, CLOSES)


def third_saturday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(SATURDAY - first.weekday()) % 7 + 14)


def fair_of_month(year: int, month: int) -> FairDay:
    usual = third_saturday(year, month)
    day = usual
    while china_time.is_holiday(day):
        day += dt.timedelta(days=7)
    return FairDay(
        day=day, usual=usual, holiday=china_time.holiday_name(usual) if day != usual else None
    )


def next_fair(now: dt.datetime, *, from_day: dt.date | None = None) -> FairDay:
    """The first fair not over yet at `now`, in the month of `from_day` or later."""
    now = china_time.to_china(now)
    day = from_day or now.date()
    year, month = day.year, day.month
    while True:
        fair = fair_of_month(year, month)
        if fair.end > now and fair.day >= day.replace(day=1):
            return fair
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def is_fair_day(day: dt.date) -> bool:
    return fair_of_month(day.year, day.month).day == day


def month_named(text: str, now: dt.datetime) -> dt.date | None:
    """The first day of the month `text` names ("下个月", "这个月", "1月份", "明年3月"), or None.
    A month number already past this year means next year's."""
    match = _MONTH.search(text)
    if match is None:
        return None
    today = china_time.to_china(now).date()
    words = match.group(1)
    if words.startswith("下下"):
        ahead = 2
    elif words.startswith("下"):
        ahead = 1
    elif words.startswith(("这", "本")):
        ahead = 0
    else:
        month = int(match.group(2) or match.group(3))
        if not 1 <= month <= 12:
            return None
        year = today.year + 1 if match.group(2) or month < today.month else today.year
        return dt.date(year, month, 1)
    index = today.year * 12 + today.month - 1 + ahead
    return dt.date(index // 12, index % 12 + 1, 1)


def wish_in(text: str, now: dt.datetime) -> When | None:
    """The fair of the month `text` names, as a wished period for the slot search."""
    match = _MONTH.search(text)
    month = month_named(text, now)
    if match is None or month is None:
        return None
    found = next_fair(now, from_day=month)
    return When(found.start, found.end, Grain.DAY, match.group(1))
