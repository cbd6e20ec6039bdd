"""The booking date parser on the issue's expressions, with a fixed "now" (Asia/Shanghai).

This table is also the comparison that chose jionlp: `dateparser` 1.5 read 8 of these 20
expressions (none of 下周三, 28号, 下午, 三点, 明早), jionlp 18 before the two short forms
this module spells out (明早, 今晚)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import china_time
from bot.bookings.dates import Grain, parse_when
from bot.bookings.errors import DateNotUnderstood, PastTime
from tests.bookings.builders import shanghai

NOW = shanghai(2026, 11, 25, 10, 0)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "start", "end", "grain"),
    [
        ("今天", "2026-11-25T00:00", "2026-11-26T00:00", Grain.DAY),
        ("明天", "2026-11-26T00:00", "2026-11-27T00:00", Grain.DAY),
        ("后天", "2026-11-27T00:00", "2026-11-28T00:00", Grain.DAY),
        ("大后天", "2026-11-28T00:00", "2026-11-29T00:00", Grain.DAY),
        ("周六", "2026-11-28T00:00", "2026-11-29T00:00", Grain.DAY),
        ("礼拜六", "2026-11-28T00:00", "2026-11-29T00:00", Grain.DAY),
        ("星期天", "2026-11-29T00:00", "2026-11-30T00:00", Grain.DAY),
        ("礼拜天", "2026-11-29T00:00", "2026-11-30T00:00", Grain.DAY),
        ("下周三", "2026-12-02T00:00", "2026-12-03T00:00", Grain.DAY),
        ("下下周一", "2026-12-07T00:00", "2026-12-08T00:00", Grain.DAY),
        ("这个月底", "2026-11-30T00:00", "2026-12-01T00:00", Grain.DAY),
        ("11月28号", "2026-11-28T00:00", "2026-11-29T00:00", Grain.DAY),
        ("28号", "2026-11-28T00:00", "2026-11-29T00:00", Grain.DAY),
        ("下午", "2026-11-25T13:00", "2026-11-25T18:00", Grain.HALFDAY),
        ("晚上", "2026-11-25T18:00", "2026-11-26T00:00", Grain.HALFDAY),
        ("中午", "2026-11-25T12:00", "2026-11-25T14:00", Grain.HALFDAY),
        ("三点", "2026-11-25T15:00", "2026-11-25T16:00", Grain.HOUR),
        ("三点半", "2026-11-25T15:30", "2026-11-25T15:31", Grain.MINUTE),
        ("15:30", "2026-11-25T15:30", "2026-11-25T15:31", Grain.MINUTE),
        ("下午3点一刻", "2026-11-25T15:15", "2026-11-25T15:16", Grain.MINUTE),
        ("明早", "2026-11-26T06:00", "2026-11-26T10:00", Grain.HALFDAY),
        ("今晚", "2026-11-25T18:00", "2026-11-26T00:00", Grain.HALFDAY),
        ("明天下午三点", "2026-11-26T15:00", "2026-11-26T16:00", Grain.HOUR),
        ("下周三上午九点", "2026-12-02T09:00", "2026-12-02T10:00", Grain.HOUR),
        # Already passed this year / month: the next one.
        ("1月2号", "2027-01-02T00:00", "2027-01-03T00:00", Grain.DAY),
        ("20号", "2026-12-20T00:00", "2026-12-21T00:00", Grain.DAY),
        # "八点" at 10:00 can only mean tonight.
        ("八点", "2026-11-25T20:00", "2026-11-25T21:00", Grain.HOUR),
    ],
)
def test_expression(text: str, start: str, end: str, grain: Grain) -> None:
    when = parse_when(text, now=NOW)
    assert when.start == dt.datetime.fromisoformat(start).replace(tzinfo=china_time.ZONE)
    assert when.end == dt.datetime.fromisoformat(end).replace(tzinfo=china_time.ZONE)
    assert when.grain is grain


def test_the_span_is_found_inside_a_sentence() -> None:
    when = parse_when("我想约明天下午的法律咨询", now=NOW)
    assert when.text == "明天下午"
    assert when.start == shanghai(2026, 11, 26, 13, 0)


def test_a_morning_hour_without_a_day_part_keeps_the_evening_reading() -> None:
    when = parse_when("明天九点", now=NOW)
    assert when.start == shanghai(2026, 11, 26, 9, 0)
    assert when.alternative == shanghai(2026, 11, 26, 21, 0)


@pytest.mark.parametrize("text", ["昨天", "今天上午八点", "上周三"])
def test_past_times_are_refused(text: str) -> None:
    with pytest.raises(PastTime):
        parse_when(text, now=NOW)


def test_text_without_a_time_is_not_understood() -> None:
    with pytest.raises(DateNotUnderstood):
        parse_when("我想约个律师", now=NOW)


def test_tomorrow_across_a_month_boundary() -> None:
    when = parse_when("明天", now=shanghai(2026, 11, 30, 20, 0))
    assert when.start == shanghai(2026, 12, 1)


def test_tomorrow_and_next_week_across_a_year_boundary() -> None:
    assert parse_when("明天", now=shanghai(2026, 12, 31, 9, 0)).start == shanghai(2027, 1, 1)
    assert parse_when("下周一", now=shanghai(2026, 12, 30, 9, 0)).start == shanghai(2027, 1, 4)


def test_today_after_closing_time_is_still_today() -> None:
    # Whether anything is left today is the slots' business (test_slots).
    when = parse_when("今天", now=shanghai(2026, 11, 25, 21, 30))
    assert when.start == shanghai(2026, 11, 25)


def test_now_given_in_utc_is_read_in_shanghai() -> None:
    # 2026-11-25 17:00 UTC is already Thursday 01:00 in Shanghai.
    when = parse_when("明天", now=dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC))
    assert when.start == shanghai(2026, 11, 27)
