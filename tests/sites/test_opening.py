"""Open now / closes at / opens next: lunch breaks, evenings, holidays and 调休 days."""

from __future__ import annotations

import datetime as dt

from bot import china_time
from bot.sites.hours import HolidayPolicy, parse_hours
from bot.sites.opening import OpeningState, intervals_on, opening_state

OFFICE = parse_hours("周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息")


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=china_time.ZONE)


def state(when: dt.datetime, policy: HolidayPolicy = HolidayPolicy.CLOSED) -> OpeningState:
    return opening_state(OFFICE, policy, when)


def test_open_in_the_morning_closes_at_lunch() -> None:
    assert state(at("2026-11-23", "10:00")) == OpeningState(
        True, closes_at=at("2026-11-23", "12:00")
    )


def test_closed_over_the_lunch_break_opens_at_14h() -> None:
    assert state(at("2026-11-23", "12:30")) == OpeningState(
        False, opens_at=at("2026-11-23", "14:00")
    )


def test_closing_minute_itself_is_closed() -> None:
    assert not state(at("2026-11-23", "12:00")).open_now
    assert state(at("2026-11-23", "11:59")).open_now


def test_evening_hours_run_to_21h() -> None:
    assert state(at("2026-11-23", "20:59")) == OpeningState(
        True, closes_at=at("2026-11-23", "21:00")
    )


def test_after_21h_on_friday_opens_saturday_morning() -> None:
    assert state(at("2026-11-27", "21:30")) == OpeningState(
        False, opens_at=at("2026-11-28", "09:00")
    )


def test_closed_on_sunday_opens_monday() -> None:
    assert state(at("2026-11-29", "10:00")) == OpeningState(
        False, opens_at=at("2026-11-30", "08:30")
    )


def test_closed_on_national_day_opens_after_the_holiday() -> None:
    # 2026-10-01 to 10-07 are statutory holidays; 10-08 (Thursday) is the first working day.
    assert state(at("2026-10-01", "10:00")) == OpeningState(
        False, opens_at=at("2026-10-08", "08:30")
    )


def test_adjusted_working_saturday_keeps_workday_hours() -> None:
    # 2026-10-10 is a Saturday worked in exchange for National Day: weekday hours, evening too.
    assert state(at("2026-10-10", "19:00")) == OpeningState(
        True, closes_at=at("2026-10-10", "21:00")
    )


def test_open_policy_ignores_the_holiday_calendar() -> None:
    assert state(at("2026-10-01", "10:00"), HolidayPolicy.OPEN).open_now
    assert not state(at("2026-10-10", "19:00"), HolidayPolicy.OPEN).open_now  # Saturday hours


def test_weekend_policy_uses_saturday_hours_on_holidays() -> None:
    assert intervals_on(OFFICE, HolidayPolicy.WEEKEND, dt.date(2026, 10, 1)) == ((540, 1020),)
    assert state(at("2026-10-01", "18:00"), HolidayPolicy.WEEKEND) == OpeningState(
        False, opens_at=at("2026-10-02", "09:00")
    )


def test_site_open_round_the_clock_has_no_closing_time() -> None:
    always = parse_hours("每天 全天")
    assert opening_state(always, HolidayPolicy.OPEN, at("2026-11-23", "03:00")) == OpeningState(
        True
    )


def test_hours_ending_at_midnight_continue_into_the_next_morning() -> None:
    late = parse_hours("周一至周五 18:00-24:00; 周六 00:00-02:00,10:00-12:00; 周日 休息")
    assert opening_state(late, HolidayPolicy.OPEN, at("2026-11-27", "23:00")) == OpeningState(
        True, closes_at=at("2026-11-28", "02:00")
    )
    assert opening_state(late, HolidayPolicy.OPEN, at("2026-11-23", "23:00")) == OpeningState(
        True, closes_at=at("2026-11-24", "00:00")
    )


def test_never_open_site_has_no_next_opening() -> None:
    never = parse_hours("每天 休息")
    assert opening_state(never, HolidayPolicy.OPEN, at("2026-11-23", "10:00")) == OpeningState(
        False
    )


def test_times_in_other_zones_are_converted_first() -> None:
    utc_0230 = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)  # 10:30 in Shanghai
    assert state(utc_0230).open_now
