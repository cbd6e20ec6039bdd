"""Day kinds from chinese-calendar, and Asia/Shanghai time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.sites.calendar import CHINA_TZ, DayType, day_type, to_china_time


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
    assert day_type(day) is kind


def test_day_type_falls_back_to_the_week_for_years_not_yet_published() -> None:
    assert day_type(dt.date(2035, 10, 1)) is DayType.WORKDAY  # a Monday
    assert day_type(dt.date(2035, 10, 6)) is DayType.WEEKEND


def test_naive_times_are_taken_as_shanghai_time() -> None:
    assert to_china_time(dt.datetime(2026, 11, 23, 9, 0)).tzinfo is CHINA_TZ


def test_aware_times_are_converted_to_shanghai_time() -> None:
    utc = dt.datetime(2026, 11, 23, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert to_china_time(utc).hour == 21
