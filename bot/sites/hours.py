"""Weekly opening hours and their text form, e.g. `周一至周五 08:30-12:00,14:00-21:00; 周日 休息`.

Grammar (parsed strictly; the same text is used by the CSV and GeoJSON files):

    hours   := clause (";" clause)*            ";" may also be "；"
    clause  := days " " spec
    days    := "每天" | "每日" | dayset ("、" dayset)*
    dayset  := day | day "至" day               e.g. 周一至周五 (a range never wraps round Sunday)
    day     := 周一 … 周日 | 周天 | 星期一 … 星期日 | 星期天
    spec    := "休息" | "全天" | range ("," range)*   "," may also be "，" or "、"
    range   := HH:MM "-" HH:MM                  00:00 <= open < close <= 24:00

A day named nowhere is closed; a day named twice is an error. Ranges of a day must be in order
and must not overlap. `format_hours` writes every day, so its output parses back to the same value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

Interval = tuple[int, int]  # minutes after local midnight, [opens, closes)
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_DAY_ALIASES = {name: i for i, name in enumerate(DAY_NAMES)} | {
    "周天": 6,
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "星期天": 6,
}
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class HoursFormatError(ValueError):
    """The hours text does not follow the grammar; the message says where."""


class HolidayPolicy(StrEnum):
    """What a site does on statutory holidays (法定节假日) and adjusted working days (调休上班日).

    CLOSED: closed on statutory holidays; on an adjusted working weekend day it keeps its usual
        workday hours. OPEN: ignores the official calendar and keeps its weekly hours.
    WEEKEND: on statutory holidays keeps its Saturday hours; adjusted working days as CLOSED.
    """

    CLOSED = "closed"
    OPEN = "open"
    WEEKEND = "weekend"


_POLICY_ALIASES = {p.value: p for p in HolidayPolicy} | {
    "节假日休息": HolidayPolicy.CLOSED,
    "法定节假日休息": HolidayPolicy.CLOSED,
    "节假日照常开放": HolidayPolicy.OPEN,
    "节假日照常": HolidayPolicy.OPEN,
    "节假日按周六时间": HolidayPolicy.WEEKEND,
    "节假日按周末时间": HolidayPolicy.WEEKEND,
}


def parse_holiday_policy(text: str) -> HolidayPolicy | None:
    return _POLICY_ALIASES.get(text.strip().lower())


@dataclass(frozen=True)
class WeeklyHours:
    """Opening intervals for Monday (index 0) to Sunday (index 6)."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("WeeklyHours needs exactly seven days")

    def on(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]

    @property
    def workday(self) -> tuple[Interval, ...]:
        """The most common Monday-Friday hours (earliest day wins a tie): used on 调休 days."""
        weekdays = list(self.days[:5])
        return max(weekdays, key=lambda d: (weekdays.count(d), -weekdays.index(d)))


def parse_hours(text: str) -> WeeklyHours:
    days: list[tuple[Interval, ...] | None] = [None] * 7
    clauses = [c.strip() for c in re.split(r"[;；]", text.strip())]
    if not clauses or clauses == [""]:
        raise HoursFormatError("hours are empty")
    for clause in clauses:
        if not clause:
            raise HoursFormatError("empty clause between ';'")
        parts = clause.split(maxsplit=1)
        if len(parts) != 2:
            raise HoursFormatError(
                f"'{clause}': expected '<days> <times>', e.g. '周六 09:00-17:00'"
            )
        weekdays = _parse_days(parts[0])
        # Spaces inside the times ("08:00-12:00, 14:00-18:00") carry no meaning.
        intervals = _parse_spec("".join(parts[1].split()))
        for day in weekdays:
            if days[day] is not None:
                raise HoursFormatError(f"'{clause}': {DAY_NAMES[day]} is given twice")
            days[day] = intervals
    return WeeklyHours(tuple(d or () for d in days))


def format_hours(hours: WeeklyHours) -> str:
    clauses: list[str] = []
    start = 0
    while start < 7:
        end = start
        while end + 1 < 7 and hours.days[end + 1] == hours.days[start]:
            end += 1
        days = DAY_NAMES[start] if start == end else f"{DAY_NAMES[start]}至{DAY_NAMES[end]}"
        if start == 0 and end == 6:
            days = "每天"
        clauses.append(f"{days} {_format_spec(hours.days[start])}")
        start = end + 1
    return "; ".join(clauses)


def _format_spec(intervals: tuple[Interval, ...]) -> str:
    if not intervals:
        return "休息"
    if intervals == ((0, 1440),):
        return "全天"
    return ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in intervals)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_days(text: str) -> list[int]:
    if text in ("每天", "每日"):
        return list(range(7))
    result: list[int] = []
    for part in text.split("、"):
        if "至" in part:
            first, _, last = part.partition("至")
            a, b = _day(first), _day(last)
            if a > b:
                raise HoursFormatError(f"'{part}': a day range runs from Monday towards Sunday")
            result.extend(range(a, b + 1))
        else:
            result.append(_day(part))
    if len(set(result)) != len(result):
        raise HoursFormatError(f"'{text}': a day is given twice")
    return result


def _day(text: str) -> int:
    if text not in _DAY_ALIASES:
        raise HoursFormatError(f"'{text}' is not a day (周一 … 周日)")
    return _DAY_ALIASES[text]


def _parse_spec(text: str) -> tuple[Interval, ...]:
    if text == "休息":
        return ()
    if text == "全天":
        return ((0, 1440),)
    intervals: list[Interval] = []
    for part in re.split(r"[,，、]", text):
        match = _RANGE.match(part)
        if not match:
            raise HoursFormatError(f"'{part}' is not a time range like 09:00-17:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        opens, closes = _minutes(h1, m1, part), _minutes(h2, m2, part)
        if opens >= closes:
            raise HoursFormatError(f"'{part}': closing time must be after opening time")
        if intervals and opens < intervals[-1][1]:
            raise HoursFormatError(f"'{part}' overlaps or precedes the range before it")
        intervals.append((opens, closes))
    return tuple(intervals)


def _minutes(hour: int, minute: int, part: str) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        raise HoursFormatError(f"'{part}': times run from 00:00 to 24:00")
    return hour * 60 + minute
