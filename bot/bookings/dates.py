"""Everyday Chinese dates and times (明天下午三点, 下周三, 这个月底 …) relative to now in
Asia/Shanghai: the one parser the booking conversation and `jiamenkou dates parse` use.

The parsing itself is jionlp's time extractor (`jionlp.ner.extract_time`); this module only
feeds it the Shanghai clock, spells out a few colloquial short forms it misses (明早, 今晚),
and turns its answer into a `When` the booking code can use: a half-open [start, end) period
with a grain, the hour read as afternoon where nobody books at night ("三点"), and dates
without a year or month moved forward when they have already passed this year or month.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from bot import china_time
from bot.bookings.errors import DateNotUnderstood, PastTime


class Grain(StrEnum):
    DAY = "day"
    HALFDAY = "halfday"
    HOUR = "hour"
    MINUTE = "minute"


@dataclass(frozen=True)
class When:
    """A wished period [start, end) in Asia/Shanghai. `alternative` is the other reading of an
    hour given without 上午/下午 ("八点": 08:00, or else 20:00), for the site's hours to decide."""

    start: dt.datetime
    end: dt.datetime
    grain: Grain
    text: str
    alternative: dt.datetime | None = None

    def to_json(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "grain": self.grain.value,
            "text": self.text,
        }


# Short forms jionlp does not read (明早) or reads as the whole day (今晚).
_SPELLED_OUT = (
    ("明早", "明天早上"),
    ("今早", "今天早上"),
    ("明晚", "明天晚上"),
    ("今晚", "今天晚上"),
    ("礼拜天", "星期天"),
    ("礼拜日", "星期日"),
)
_DAY_PART = re.compile(r"上午|下午|中午|晚上|早上|早晨|傍晚|凌晨|夜里|半夜|晚|早")
_CLOCK = re.compile(r"[点:：时]")
_NUMERAL = r"[0-9一二三四五六七八九十两]+"
_MONTH_DAY = re.compile(rf"^{_NUMERAL}月{_NUMERAL}[日号]?")
_DAY_ONLY = re.compile(rf"^{_NUMERAL}[日号]")
_ONE_SECOND = dt.timedelta(seconds=1)


@cache
def _extractor() -> Any:
    # jionlp prints a banner on import and loads its dictionaries: once, on first use.
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

        return jionlp.ner.extract_time


def parse_when(text: str, *, now: dt.datetime | None = None) -> When:
    """The first date/time expression in `text`; raises DateNotUnderstood or PastTime."""
    moment = china_time.to_china(now or china_time.now())
    spelled = text
    for short, long in _SPELLED_OUT:
        spelled = spelled.replace(short, long)
    base = {
        "year": moment.year,
        "month": moment.month,
        "day": moment.day,
        "hour": moment.hour,
        "minute": moment.minute,
        "second": moment.second,
    }
    with contextlib.redirect_stdout(io.StringIO()):
        found = _extractor()(spelled, time_base=base, with_parsing=True)
    points = [f for f in found if f.get("type") == "time_point" and f.get("detail")]
    if not points:
        raise DateNotUnderstood(f"no date or time in '{text}'")
    item = points[0]
    span = str(item["text"])
    for short, long in _SPELLED_OUT:
        if short in text:
            span = span.replace(long, short)
    first, last = item["detail"]["time"][:2]
    start = _local(first)
    end = _local(last) + _ONE_SECOND
    when = _shape(span, start, end)
    return _forward(when, moment)


def _local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=china_time.ZONE)


def _shape(span: str, start: dt.datetime, end: dt.datetime) -> When:
    length = end - start
    if "月底" in span:
        last = end - _ONE_SECOND
        last_day = calendar.monthrange(last.year, last.month)[1]
        start = china_time.at(dt.date(last.year, last.month, last_day))
        return When(start, start + dt.timedelta(days=1), Grain.DAY, span)
    if length >= dt.timedelta(hours=23):
        return When(start, end, Grain.DAY, span)
    if length <= dt.timedelta(minutes=1):
        grain = Grain.MINUTE
    elif length <= dt.timedelta(hours=1):
        grain = Grain.HOUR
    else:
        return When(start, end, Grain.HALFDAY, span)
    if _DAY_PART.search(span) or not _CLOCK.search(span):
        return When(start, end, grain, span)
    # An hour without 上午/下午: 1-6 o'clock is the afternoon (nobody books 3 a.m.);
    # 7-11 stays morning, with the evening reading kept for the site's hours to decide.
    if 1 <= start.hour <= 6:
        shift = dt.timedelta(hours=12)
        return When(start + shift, end + shift, grain, span)
    if 7 <= start.hour <= 11:
        return When(start, end, grain, span, alternative=start + dt.timedelta(hours=12))
    return When(start, end, grain, span)


def _forward(when: When, now: dt.datetime) -> When:
    """Dates named without a year (11月28号) or month (28号) mean the next such date."""
    if when.end > now:
        return when
    if when.alternative is not None and when.alternative > now:
        # "八点" said at 10:00 means tonight.
        shift = when.alternative - when.start
        return When(when.alternative, when.end + shift, when.grain, when.text)
    step: int | None = None
    if "年" not in when.text and _MONTH_DAY.match(when.text):
        step = 12
    elif _DAY_ONLY.match(when.text):
        step = 1
    if step is not None:
        moved = When(
            _add_months(when.start, step),
            _add_months(when.end - _ONE_SECOND, step) + _ONE_SECOND,
            when.grain,
            when.text,
            _add_months(when.alternative, step) if when.alternative else None,
        )
        if moved.end > now:
            return moved
    raise PastTime(f"'{when.text}' has already passed")


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
