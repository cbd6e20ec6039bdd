"""The hours text format: parsing, strict errors, formatting and round trips."""

from __future__ import annotations

import pytest

from bot.sites.hours import (
    HolidayPolicy,
    HoursFormatError,
    WeeklyHours,
    format_hours,
    parse_holiday_policy,
    parse_hours,
)

LUNCH_AND_EVENING = ((510, 720), (840, 1260))


def test_parse_hours_reads_weekday_ranges_lunch_break_and_closed_sunday() -> None:
    hours = parse_hours("周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息")
    assert hours.days[:5] == (LUNCH_AND_EVENING,) * 5
    assert hours.on(5) == ((540, 1020),)
    assert hours.on(6) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每天 09:00-17:00", (((540, 1020),),) * 7),
        ("每日 全天", (((0, 1440),),) * 7),
        (
            "周一、周三至周四 09:00-10:00",
            (((540, 600),), (), ((540, 600),), ((540, 600),)) + ((),) * 3,
        ),
        ("星期六 08:00-12:00；星期天 08:00-09:00", ((),) * 5 + (((480, 720),), ((480, 540),))),
        ("周一至周五 08:30-12:00， 14:00-21:00", (LUNCH_AND_EVENING,) * 5 + ((),) * 2),
        ("周日 20:00-24:00", ((),) * 6 + (((1200, 1440),),)),
    ],
)
def test_parse_hours_accepts_the_documented_variants(
    text: str, expected: tuple[tuple[tuple[int, int], ...], ...]
) -> None:
    assert parse_hours(text).days == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "empty"),
        ("周一至周五", "expected"),
        ("周八 09:00-17:00", "not a day"),
        ("周五至周一 09:00-17:00", "Monday towards Sunday"),
        ("周一 09:00-17:00; 周一 18:00-19:00", "twice"),
        ("周一、周一 09:00-17:00", "twice"),
        ("周一 9:00-17:00", "not a time range"),
        ("周一 17:00-09:00", "after opening"),
        ("周一 09:00-12:00,11:00-14:00", "overlaps"),
        ("周一 25:00-26:00", "00:00 to 24:00"),
        ("周一 09:60-10:00", "00:00 to 24:00"),
        ("周一 09:00-17:00;", "empty clause"),
        ("周一 开门", "not a time range"),
    ],
)
def test_parse_hours_rejects_bad_text_with_a_reason(text: str, complaint: str) -> None:
    with pytest.raises(HoursFormatError, match=complaint):
        parse_hours(text)


@pytest.mark.parametrize(
    "text",
    [
        "周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息",
        "每天 全天",
        "每天 07:00-21:00",
        "周一 09:00-10:00; 周二 休息; 周三至周四 09:00-10:00; 周五至周日 休息",
    ],
)
def test_format_hours_writes_canonical_text_that_parses_back(text: str) -> None:
    assert format_hours(parse_hours(text)) == text


def test_format_hours_names_closed_days_explicitly() -> None:
    assert (
        format_hours(parse_hours("周六 09:00-12:00"))
        == "周一至周五 休息; 周六 09:00-12:00; 周日 休息"
    )


def test_workday_hours_are_the_most_common_weekday_hours() -> None:
    hours = parse_hours("周一 09:00-10:00; 周二至周五 08:00-17:00; 周六 10:00-12:00")
    assert hours.workday == ((480, 1020),)


def test_weekly_hours_needs_seven_days() -> None:
    with pytest.raises(ValueError, match="seven"):
        WeeklyHours(((),) * 6)


@pytest.mark.parametrize(
    ("text", "policy"),
    [("closed", HolidayPolicy.CLOSED), ("OPEN", HolidayPolicy.OPEN),
     ("节假日按周六时间", HolidayPolicy.WEEKEND), ("节假日照常开放", HolidayPolicy.OPEN),
     ("sometimes", None)],
)  # fmt: skip
def test_parse_holiday_policy_knows_english_and_chinese_names(
    text: str, policy: HolidayPolicy | None
) -> None:
    assert parse_holiday_policy(text) == policy
