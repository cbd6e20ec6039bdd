"""China time: Asia/Shanghai conversions and the official calendar from chinese-calendar."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from bot import china_time
from bot.china_time import DayType

UNPUBLISHED_YEAR = 2035  # far enough ahead that chinese-calendar cannot know it yet


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (dt.date(2026, 11, 23), DayType.WORKDAY),  # a Monday
        (dt.date(2026, 11, 22), DayType.WEEKEND),  # a Sunday
        (dt.date(2026, 10, 1), DayType.STATUTORY_HOLIDAY),  # 国庆节, a Thursday
        (dt.date(2026, 10, 3), DayType.STATUTORY_HOLIDAY),  # a Saturday inside the holiday
        (dt.date(2026, 10, 10), DayType.ADJUSTED_WORKDAY),  # 调休: Saturday worked for 国庆
        (dt.date(2026, 9, 20), DayType.ADJUSTED_WORKDAY),  # 调休: Sunday
        (dt.date(2026, 10, 8), DayType.WORKDAY),
    ],
)
def test_day_type_follows_the_official_2026_calendar(day: dt.date, kind: DayType) -> None:
    assert china_time.day_type(day) is kind
    assert china_time.is_workday(day) is (kind in (DayType.WORKDAY, DayType.ADJUSTED_WORKDAY))
    assert china_time.is_holiday(day) is (kind is DayType.STATUTORY_HOLIDAY)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2026, 10, 1), "国庆节"),
        (dt.date(2026, 10, 3), "国庆节"),  # a weekend day inside the holiday
        (dt.date(2026, 10, 10), "国庆节"),  # the 调休 working Saturday made up for it
        (dt.date(2026, 2, 17), "春节"),
        (dt.date(2026, 11, 23), None),  # an ordinary Monday
        (dt.date(2026, 11, 22), None),  # an ordinary Sunday
    ],
)
def test_holiday_name_is_the_festival_in_chinese(day: dt.date, name: str | None) -> None:
    assert china_time.holiday_name(day) == name


def test_calendar_knows_published_years_only() -> None:
    assert china_time.calendar_known(2026)
    assert not china_time.calendar_known(UNPUBLISHED_YEAR)


def test_unpublished_years_fall_back_to_the_week_and_warn_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    year = UNPUBLISHED_YEAR + 1  # a year no other test has asked about, so the warning is new
    national_day = dt.date(year, 10, 1)
    weekday = national_day + dt.timedelta(days=(7 - national_day.weekday()) % 7)  # Monday
    sunday = weekday + dt.timedelta(days=6)
    with caplog.at_level(logging.WARNING, logger="bot.china_time"):
        assert china_time.day_type(weekday) is DayType.WORKDAY
        assert china_time.day_type(sunday) is DayType.WEEKEND
        assert china_time.is_workday(weekday)
        assert not china_time.is_holiday(national_day)
        assert china_time.holiday_name(national_day) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"chinese-calendar has no data for {year} yet; assuming Mon-Fri working days"
    ]


def test_workdays_skip_weekends_and_count_from_the_next_day() -> None:
    assert china_time.add_workdays(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)  # Fri
    assert china_time.add_workdays(dt.date(2026, 11, 18), 1) == dt.date(2026, 11, 19)
    with pytest.raises(ValueError):
        china_time.add_workdays(dt.date(2026, 11, 18), 0)


def test_workdays_skip_national_day_but_count_its_make_up_saturday() -> None:
    # Oct 1-7 are holidays; Thu 8, Fri 9, Sat 10 (调休上班), Mon 12, Tue 13.
    assert china_time.add_workdays(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)


def test_naive_times_are_taken_as_shanghai_time() -> None:
    moment = china_time.to_china(dt.datetime(2026, 11, 23, 9, 0))
    assert moment.tzinfo is china_time.ZONE and moment.hour == 9


def test_aware_times_are_converted_to_shanghai_time() -> None:
    utc = dt.datetime(2026, 11, 23, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert china_time.to_china(utc).hour == 21


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 11, 24, 5, 30),  # naive: Shanghai
        dt.datetime(2026, 11, 24, 5, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        dt.datetime(2026, 11, 23, 21, 30, tzinfo=dt.UTC),
    ],
)
def test_to_utc_gives_the_same_instant_in_utc(moment: dt.datetime) -> None:
    assert china_time.to_utc(moment) == dt.datetime(2026, 11, 23, 21, 30, tzinfo=dt.UTC)
    assert china_time.to_utc(moment).utcoffset() == dt.timedelta(0)


def test_at_places_a_clock_time_on_a_shanghai_day() -> None:
    moment = china_time.at(dt.date(2026, 11, 23), dt.time(8, 30))
    assert moment == dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC)
    assert china_time.at(dt.date(2026, 11, 23)).hour == 0


def test_now_and_today_are_shanghai_time() -> None:
    current = china_time.now()
    assert current.utcoffset() == dt.timedelta(hours=8)
    assert china_time.today() in (current.date(), current.date() + dt.timedelta(days=1))
