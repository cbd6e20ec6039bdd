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
- Working days come from `bot.china_time` (holidays and make-up working days). As in Chinese
  administrative practice, the day of the report itself is not counted. For years the
  calendar does not know yet, Monday-Friday are used (and a warning is logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot import china_time
from bot.db.tickets import Severity

DUTY_START = time(8, 0)
DUTY_END = time(21, 0)
CLOSE_OF_BUSINESS = time(18, 0)
FOLLOW_UP_WORKING_DAYS = 5

URGENT_ON_SITE = timedelta(minutes=10)
DUTY_TARGETS = {Severity.ORDINARY: timedelta(minutes=30), Severity.COMPLEX: timedelta(hours=4)}


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime  # the severity's target (on site / solved / plan), aware UTC
    follow_up_by: datetime  # unresolved items fixed by then, aware UTC


def compute_deadlines(severity: Severity, reported_at: datetime) -> Deadlines:
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    local = china_time.to_china(reported_at)
    if severity is Severity.URGENT:
        due = local + URGENT_ON_SITE
    elif severity is Severity.MAJOR:
        due = _close_of_business(china_time.add_workdays(local.date(), 1))
    else:
        due = add_duty_time(local, DUTY_TARGETS[severity])
    follow_up = _close_of_business(china_time.add_workdays(local.date(), FOLLOW_UP_WORKING_DAYS))
    return Deadlines(due.astimezone(UTC), follow_up.astimezone(UTC))


def add_duty_time(start: datetime, amount: timedelta) -> datetime:
    """`start` plus `amount` counted only inside daily duty hours (08:00-21:00 local)."""
    current = china_time.to_china(start)
    remaining = amount
    while True:
        day_start = china_time.at(current.date(), DUTY_START)
        day_end = china_time.at(current.date(), DUTY_END)
        if current < day_start:
            current = day_start
        if current >= day_end:
            current = china_time.at(current.date() + timedelta(days=1), DUTY_START)
            continue
        if current + remaining <= day_end:
            return current + remaining
        remaining -= day_end - current
        current = china_time.at(current.date() + timedelta(days=1), DUTY_START)


def _close_of_business(day: date) -> datetime:
    return china_time.at(day, CLOSE_OF_BUSINESS)
