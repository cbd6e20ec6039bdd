"""Deadlines of the "1341" rule (大同市新荣区), in Asia/Shanghai time with Chinese working days.

- urgent:   someone on site within 10 minutes, round the clock;
- ordinary: solved within 30 minutes of duty time;
- complex:  solved within 4 hours of duty time;
- major:    a plan by close of business on the first working day after the report day.
Every ticket not solved by then is listed and followed up by close of business on the 5th
working day after the report day.

Choices the source leaves open, made here:
- Duty time runs 08:00-21:00 every day: stations keep evening hours to 21:00 and grid workers
  cover weekends, so a 30-minute problem reported at 22:30 is due at 08:30 the next morning.
- Working days come from chinese-calendar (holidays and make-up working days). As in Chinese
  administrative practice, the day of the report itself is not counted. For years the
  calendar does not know yet, Monday-Friday are used (and a warning is logged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.db.tickets import Severity

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DUTY_START = time(8, 0)
DUTY_END = time(21, 0)
CLOSE_OF_BUSINESS = time(18, 0)
FOLLOW_UP_WORKING_DAYS = 5

URGENT_ON_SITE = timedelta(minutes=10)
DUTY_TARGETS = {Severity.ORDINARY: timedelta(minutes=30), Severity.COMPLEX: timedelta(hours=4)}
_WARNED_YEARS: set[int] = set()


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime  # the severity's target (on site / solved / plan), aware UTC
    follow_up_by: datetime  # unresolved items fixed by then, aware UTC


def compute_deadlines(severity: Severity, reported_at: datetime) -> Deadlines:
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    local = reported_at.astimezone(LOCAL_TZ)
    if severity is Severity.URGENT:
        due = local + URGENT_ON_SITE
    elif severity is Severity.MAJOR:
        due = _close_of_business(add_working_days(local.date(), 1))
    else:
        due = add_duty_time(local, DUTY_TARGETS[severity])
    follow_up = _close_of_business(add_working_days(local.date(), FOLLOW_UP_WORKING_DAYS))
    return Deadlines(due.astimezone(UTC), follow_up.astimezone(UTC))


def add_duty_time(start: datetime, amount: timedelta) -> datetime:
    """`start` plus `amount` counted only inside daily duty hours (08:00-21:00 local)."""
    current = start.astimezone(LOCAL_TZ)
    remaining = amount
    while True:
        day_start = _local(current.date(), DUTY_START)
        day_end = _local(current.date(), DUTY_END)
        if current < day_start:
            current = day_start
        if current >= day_end:
            current = _local(current.date() + timedelta(days=1), DUTY_START)
            continue
        if current + remaining <= day_end:
            return current + remaining
        remaining -= day_end - current
        current = _local(current.date() + timedelta(days=1), DUTY_START)


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _WARNED_YEARS:
            _WARNED_YEARS.add(day.year)
            logger.warning("chinese-calendar has no data for %s; assuming Mon-Fri", day.year)
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    while count:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def _close_of_business(day: date) -> datetime:
    return _local(day, CLOSE_OF_BUSINESS)
