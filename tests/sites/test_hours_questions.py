"""Reading hours questions ("周日开吗", "晚上开到几点", "国庆开门吗") and answering them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.china_time import ZONE
from bot.sites.holidays import NamedHoliday, holiday_break, holiday_on
from bot.sites.hours import HolidayPolicy, parse_hours
from bot.sites.hours_questions import (
    Asked,
    HoursQuestion,
    Reply,
    answer_hours_question,
    parse_hours_question,
)
from tests.sites.factories import OFFICE_HOURS

WEDNESDAY = dt.date(2026, 12, 2)
SATURDAY, SUNDAY = dt.date(2026, 12, 5), dt.date(2026, 12, 6)
THURSDAY, MONDAY = dt.date(2026, 12, 3), dt.date(2026, 12, 7)
HOURS = parse_hours(OFFICE_HOURS)  # weekdays 08:30-12:00,14:00-21:00; Sat 09-17; Sun closed


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("晚上开到几点", HoursQuestion(Asked.CLOSING)),
        ("几点关门啊", HoursQuestion(Asked.CLOSING)),
        ("你们几点下班", HoursQuestion(Asked.CLOSING)),
        ("夜里还开着吗", HoursQuestion(Asked.CLOSING)),
        ("今天营业到几点", HoursQuestion(Asked.CLOSING)),
        ("几点开门", HoursQuestion(Asked.OPENING)),
        ("早上什么时候开", HoursQuestion(Asked.OPENING)),
        ("现在还开着吗", HoursQuestion(Asked.OPEN_NOW)),
        ("关门了没", HoursQuestion(Asked.OPEN_NOW)),
        ("这会儿过去来得及吗", HoursQuestion(Asked.OPEN_NOW)),
        ("周日开吗", HoursQuestion(Asked.OPEN_ON, days=(SUNDAY,))),
        ("星期天开门吗", HoursQuestion(Asked.OPEN_ON, days=(SUNDAY,))),
        ("礼拜六有人吗", HoursQuestion(Asked.OPEN_ON, days=(SATURDAY,))),
        ("周三开不开", HoursQuestion(Asked.OPEN_ON, days=(WEDNESDAY,))),  # today is Wednesday
        ("下周三开不开", HoursQuestion(Asked.OPEN_ON, days=(WEDNESDAY + dt.timedelta(7),))),
        ("下个星期一上班吗", HoursQuestion(Asked.OPEN_ON, days=(MONDAY,))),
        ("明天开门吗", HoursQuestion(Asked.OPEN_ON, days=(THURSDAY,))),
        ("后天有人值班没", HoursQuestion(Asked.OPEN_ON, days=(WEDNESDAY + dt.timedelta(2),))),
        ("今天开不开", HoursQuestion(Asked.OPEN_ON, days=(WEDNESDAY,))),
        ("周末开吗", HoursQuestion(Asked.OPEN_ON, days=(SATURDAY, SUNDAY))),
        ("双休日上班吗", HoursQuestion(Asked.OPEN_ON, days=(SATURDAY, SUNDAY))),
        ("中午休息吗", HoursQuestion(Asked.OPEN_ON, days=(WEDNESDAY,))),
        ("晚上7点还开着吗", HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=19 * 60)),
        ("晚上九点以后还能去吗", HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=21 * 60)),
        ("明早8点开门不", HoursQuestion(Asked.AT_TIME, days=(THURSDAY,), minute=8 * 60)),
        ("周六下午三点半有人吗", HoursQuestion(Asked.AT_TIME, days=(SATURDAY,), minute=930)),
        ("中午12点开着吗", HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=12 * 60)),
        ("4点还能去吗", HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=16 * 60)),
        ("20:30还开着吗", HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=20 * 60 + 30)),
        ("国庆开门吗", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.NATIONAL_DAY)),
        ("十一放假开不开", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.NATIONAL_DAY)),
        ("过年开吗", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.SPRING_FESTIVAL)),
        ("春节期间上不上班", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.SPRING_FESTIVAL)),
        ("元旦有人吗", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.NEW_YEAR)),
        ("五一开不开门", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.LABOUR_DAY)),
        ("明天端午节开门吗", HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.DRAGON_BOAT)),
        ("节假日营业吗", HoursQuestion(Asked.HOLIDAY)),
        ("放假期间有人吗", HoursQuestion(Asked.HOLIDAY)),
        ("开放时间是多少", HoursQuestion(Asked.WEEKLY)),
        ("周一到周五都开吗", HoursQuestion(Asked.WEEKLY)),
        ("服务时间是几点到几点", HoursQuestion(Asked.WEEKLY)),
    ],
)
def test_the_question_is_read_from_the_words(text: str, expected: HoursQuestion) -> None:
    assert parse_hours_question(text, today=WEDNESDAY) == expected


@pytest.mark.parametrize("text", ["十一点还开着吗", "有没有离我近一点的", "早一点开门吗"])
def test_times_and_a_little_are_not_holidays_or_one_o_clock(text: str) -> None:
    question = parse_hours_question(text, today=WEDNESDAY)
    assert question.asked is not Asked.HOLIDAY
    assert question.minute != 13 * 60


@pytest.mark.parametrize(
    ("now", "reply", "detail"),
    [
        (at(WEDNESDAY, 19), Reply.OPEN_UNTIL, {"closes_at": at(WEDNESDAY, 21)}),
        (at(WEDNESDAY, 10), Reply.OPEN_UNTIL, {"closes_at": at(WEDNESDAY, 12)}),
        (at(WEDNESDAY, 12, 30), Reply.OPENS_LATER_TODAY,
         {"opens_at": at(WEDNESDAY, 14), "closes_at": at(WEDNESDAY, 21)}),
        (at(WEDNESDAY, 7), Reply.OPENS_LATER_TODAY, {"opens_at": at(WEDNESDAY, 8, 30)}),
        (at(WEDNESDAY, 22), Reply.CLOSED_FOR_TODAY, {"opens_at": at(THURSDAY, 8, 30)}),
        (at(SUNDAY, 10), Reply.CLOSED_TODAY, {"opens_at": at(MONDAY, 8, 30)}),
    ],
)  # fmt: skip
def test_closing_questions_answer_for_today(
    now: dt.datetime, reply: Reply, detail: dict[str, dt.datetime]
) -> None:
    [answer] = answer_hours_question(HoursQuestion(Asked.CLOSING), HOURS, HolidayPolicy.CLOSED, now)
    assert answer.reply is reply
    assert {key: getattr(answer, key) for key in detail} == detail


def test_a_site_open_round_the_clock_says_so() -> None:
    hours = parse_hours("每天 全天")
    [answer] = answer_hours_question(
        HoursQuestion(Asked.OPENING), hours, HolidayPolicy.OPEN, at(WEDNESDAY, 3)
    )
    assert answer.reply is Reply.OPEN_ALL_DAY


def test_a_day_question_gives_that_days_hours_or_the_next_opening() -> None:
    question = HoursQuestion(Asked.OPEN_ON, days=(SATURDAY, SUNDAY))
    saturday, sunday = answer_hours_question(
        question, HOURS, HolidayPolicy.CLOSED, at(WEDNESDAY, 9)
    )
    assert (saturday.reply, saturday.intervals) == (Reply.DAY_OPEN, ((540, 1020),))
    assert (sunday.reply, sunday.opens_at) == (Reply.DAY_CLOSED, at(MONDAY, 8, 30))


def test_a_day_in_a_statutory_holiday_is_closed_and_says_which() -> None:
    national_day = dt.date(2026, 10, 2)  # a Friday inside the 国庆 break
    question = HoursQuestion(Asked.OPEN_ON, days=(national_day,))
    [closed] = answer_hours_question(question, HOURS, HolidayPolicy.CLOSED, at(national_day, 8))
    assert (closed.reply, closed.holiday) == (Reply.DAY_CLOSED, NamedHoliday.NATIONAL_DAY)
    [weekend] = answer_hours_question(question, HOURS, HolidayPolicy.WEEKEND, at(national_day, 8))
    assert (weekend.reply, weekend.intervals) == (Reply.DAY_OPEN, ((540, 1020),))


@pytest.mark.parametrize(("minute", "reply"), [(19 * 60, Reply.OPEN_AT), (21 * 60, Reply.CLOSED_AT),
                                                (13 * 60, Reply.CLOSED_AT)])  # fmt: skip
def test_a_time_question_checks_that_moment(minute: int, reply: Reply) -> None:
    question = HoursQuestion(Asked.AT_TIME, days=(WEDNESDAY,), minute=minute)
    [answer] = answer_hours_question(question, HOURS, HolidayPolicy.CLOSED, at(WEDNESDAY, 9))
    assert answer.reply is reply and answer.intervals == ((510, 720), (840, 1260))


def test_a_named_holiday_gets_the_rule_and_its_dates_when_the_calendar_knows_them() -> None:
    question = HoursQuestion(Asked.HOLIDAY, holiday=NamedHoliday.NATIONAL_DAY)
    [known] = answer_hours_question(question, HOURS, HolidayPolicy.WEEKEND, at(WEDNESDAY, 9) -
                                    dt.timedelta(days=80))  # fmt: skip
    assert known.reply is Reply.HOLIDAY_RULE and known.policy is HolidayPolicy.WEEKEND
    assert known.holiday_dates == (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert known.intervals == ((540, 1020),)  # the Saturday hours the policy keeps
    [unknown] = answer_hours_question(question, HOURS, HolidayPolicy.CLOSED, at(WEDNESDAY, 9))
    assert unknown.holiday_dates is None  # 2027 is not published in the calendar yet


def test_unknown_hours_still_answer_the_holiday_rule_but_nothing_else() -> None:
    [rule] = answer_hours_question(HoursQuestion(Asked.HOLIDAY), None, HolidayPolicy.OPEN,
                                   at(WEDNESDAY, 9))  # fmt: skip
    assert rule.reply is Reply.HOLIDAY_RULE
    [other] = answer_hours_question(HoursQuestion(Asked.CLOSING), None, HolidayPolicy.OPEN,
                                    at(WEDNESDAY, 9))  # fmt: skip
    assert other.reply is Reply.UNKNOWN


@pytest.mark.parametrize(
    ("holiday", "today", "expected"),
    [
        (NamedHoliday.SPRING_FESTIVAL, dt.date(2026, 1, 10), (dt.date(2026, 2, 15), dt.date(2026, 2, 23))),
        (NamedHoliday.NATIONAL_DAY, dt.date(2026, 10, 3), (dt.date(2026, 10, 1), dt.date(2026, 10, 7))),
        (NamedHoliday.NATIONAL_DAY, dt.date(2025, 9, 1), (dt.date(2025, 10, 1), dt.date(2025, 10, 8))),
        (NamedHoliday.MID_AUTUMN, dt.date(2025, 9, 1), (dt.date(2025, 10, 1), dt.date(2025, 10, 8))),
        (NamedHoliday.LABOUR_DAY, dt.date(2026, 12, 2), None),
    ],
)  # fmt: skip
def test_holiday_breaks_are_found_under_way_or_next(
    holiday: NamedHoliday, today: dt.date, expected: tuple[dt.date, dt.date] | None
) -> None:
    assert holiday_break(holiday, today) == expected


def test_holiday_on_a_plain_day_is_none() -> None:
    assert holiday_on(WEDNESDAY) is None
    assert holiday_on(dt.date(2026, 10, 1)) is NamedHoliday.NATIONAL_DAY
