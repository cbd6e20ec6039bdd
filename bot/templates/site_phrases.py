"""Phrases that fill the site responses' variables: what sites offer, days, times, hours
(whole replies live in engine/domain/sites.yml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.sites.hours import HolidayPolicy, Interval
from bot.vocabulary import Vocabulary

_WEEKDAYS = "一二三四五六日"
_RELATIVE = {0: "今天", 1: "明天", 2: "后天"}
_RULES = {
    HolidayPolicy.CLOSED: "法定节假日休息",
    HolidayPolicy.OPEN: "法定节假日照常开放",
    HolidayPolicy.WEEKEND: "法定节假日按周六的时间开放",
}


def offering(vocabulary: Vocabulary, services: Sequence[str]) -> str:
    """What the sites do, ready for 的: 提供法律援助, 能喝水、能给手机充电."""
    return "、".join(vocabulary.service_phrase(name) for name in services)


def day_label(day: dt.date, today: dt.date) -> str:
    """今天 / 明天 / 后天, else 周日（12月6日）."""
    relative = _RELATIVE.get((day - today).days)
    if relative is not None:
        return relative
    return f"周{_WEEKDAYS[day.weekday()]}（{day.month}月{day.day}日）"


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def moment(at: dt.datetime, today: dt.date) -> str:
    """明天08:30, 周一（12月7日）08:30."""
    return day_label(at.date(), today) + at.strftime("%H:%M")


def intervals(day_hours: Sequence[Interval]) -> str:
    """08:30-12:00、14:00-21:00; 全天."""
    if tuple(day_hours) == ((0, 1440),):
        return "全天"
    return "、".join(f"{clock(opens)}-{clock(closes)}" for opens, closes in day_hours)


def dates(first: dt.date, last: dt.date) -> str:
    """10月1日至10月7日 (one day: 10月1日)."""
    start = f"{first.month}月{first.day}日"
    return start if first == last else f"{start}至{last.month}月{last.day}日"


def holiday_rule(policy: HolidayPolicy, saturday: Sequence[Interval]) -> str:
    """法定节假日休息; 法定节假日按周六的时间开放（09:00-17:00）."""
    rule = _RULES[policy]
    if policy is HolidayPolicy.WEEKEND:
        return f"{rule}（{intervals(saturday)}）" if saturday else "法定节假日休息"
    return rule
