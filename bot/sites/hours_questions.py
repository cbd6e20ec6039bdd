"""What a resident asks about a site's hours ("周日开吗", "晚上开到几点", "国庆开门吗") and the
answer from the site's hours: the question read from the words, the answer as data. The
wording of replies lives in the engine's domain; nothing here knows about Rasa.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot import china_time
from bot.sites.holidays import NamedHoliday, holiday_break, holiday_on
from bot.sites.hours import HolidayPolicy, Interval, WeeklyHours
from bot.sites.opening import intervals_on, opening_state


class Asked(StrEnum):
    CLOSING = "closing"  # 几点关门, 开到几点: until when today
    OPENING = "opening"  # 几点开门: from when
    OPEN_NOW = "open_now"  # 现在还开着吗, 关门了没
    OPEN_ON = "open_on"  # 周日开吗, 明天上班吗: that day, yes or no with its hours
    AT_TIME = "at_time"  # 晚上7点还开着吗: open at that moment
    HOLIDAY = "holiday"  # 国庆开门吗, 节假日开吗: the holiday rule
    WEEKLY = "weekly"  # 开放时间是多少, anything else: the weekly table


@dataclass(frozen=True)
class HoursQuestion:
    asked: Asked
    days: tuple[dt.date, ...] = ()  # the days asked about (OPEN_ON, AT_TIME)
    minute: int | None = None  # minutes after midnight (AT_TIME)
    holiday: NamedHoliday | None = None  # a holiday named (HOLIDAY); None: holidays in general


# Holiday words, longest first where one contains another; 十一 only when it is not a time.
_HOLIDAY_WORDS: tuple[tuple[str, NamedHoliday], ...] = (
    ("国庆", NamedHoliday.NATIONAL_DAY),
    ("十一(?![点时:：月日号])", NamedHoliday.NATIONAL_DAY),
    ("春节|过年|大年|除夕|正月", NamedHoliday.SPRING_FESTIVAL),
    ("元旦", NamedHoliday.NEW_YEAR),
    ("清明", NamedHoliday.TOMB_SWEEPING),
    ("五一|劳动节", NamedHoliday.LABOUR_DAY),
    ("端午", NamedHoliday.DRAGON_BOAT),
    ("中秋", NamedHoliday.MID_AUTUMN),
)
_ANY_HOLIDAY = re.compile("节假日|假日|假期|放假|过节|节日|长假|小长假")
_NUMBER = "[0-9０-９]{1,2}|[零一二两三四五六七八九十]{1,3}"
_CLOCK = re.compile(
    rf"(?P<period>早上|早晨|清早|一早|明早|上午|中午|下午|傍晚|晚上|夜里|夜间|今晚|明晚|早|晚)?"
    rf"(?P<hour>{_NUMBER})(?:点|时|[:：](?P<minute>[0-9]{{2}}))(?P<half>半)?"
)
_LATE_PERIODS = ("下午", "傍晚", "晚上", "夜里", "夜间", "今晚", "明晚", "晚")
# 近一点, 早一点: "a little", not one o'clock.
_A_LITTLE = "近远早晚快慢多少好大小高低再"
_WEEKDAY = re.compile(r"(?P<next>下个?)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])")
_WEEKDAY_INDEX = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_RELATIVE_DAYS = (
    ("大后天", 3),
    ("后天", 2),
    ("明天|明儿|明日|明早|明晚", 1),
    ("今天|今儿|今日|今晚", 0),
)
_WEEKEND = re.compile("周末|双休|礼拜六礼拜天|星期六星期天")
_DAY_RANGE = re.compile(
    "(?:周|星期|礼拜)[一二三四五六日天](?:到|至|-)(?:周|星期|礼拜)?[一二三四五六日天]"
)
_EVENING = re.compile("晚上|夜里|夜间|晚间|今晚")
_LUNCH = re.compile("午休|中午")
_OPEN_NOW = re.compile(
    "现在|这会儿?|这个点|此刻|目前|还开着|开着门?吗|还营业|来得及|关门了|关了没|关了吗"
)
_CLOSING = re.compile("关门|几点关|开到|营业到|下班|几点结束|几点收|几点停|关得")
_OPENING = re.compile(
    "开门|几点开|几点上班|上班时间|几点营业|开始办公|几点开始|什么时候开|啥时候开|多会儿开"
)
_YES_NO = re.compile("吗|么|不|没|开不开|有没有|是否")


def parse_hours_question(text: str, *, today: dt.date) -> HoursQuestion:
    """What `text` asks about opening hours, relative to `today` (China's date)."""
    text = "".join(text.split())
    for pattern, holiday in _HOLIDAY_WORDS:
        if re.search(pattern, text):
            return HoursQuestion(Asked.HOLIDAY, holiday=holiday)
    if _ANY_HOLIDAY.search(text):
        return HoursQuestion(Asked.HOLIDAY)
    if _DAY_RANGE.search(text):
        return HoursQuestion(Asked.WEEKLY)  # 周一到周五都开吗: the table answers it
    days = _days_named(text, today)
    clock = _clock(text)
    if clock is not None:
        return HoursQuestion(Asked.AT_TIME, days=days or (today,), minute=_minute(clock))
    if days and days != (today,):
        return HoursQuestion(Asked.OPEN_ON, days=days)
    if _LUNCH.search(text):
        return HoursQuestion(Asked.OPEN_ON, days=(today,))  # today's hours show the break
    if _EVENING.search(text) or (_CLOSING.search(text) and not _OPEN_NOW.search(text)):
        return HoursQuestion(Asked.CLOSING)  # 晚上还开着吗: until when tonight
    if _OPEN_NOW.search(text):
        return HoursQuestion(Asked.OPEN_NOW)
    if _OPENING.search(text):
        return HoursQuestion(Asked.OPENING)
    if days and _YES_NO.search(text):
        return HoursQuestion(Asked.OPEN_ON, days=days)
    return HoursQuestion(Asked.WEEKLY)


def _days_named(text: str, today: dt.date) -> tuple[dt.date, ...]:
    if _WEEKEND.search(text):
        return (_next_weekday(today, 5), _next_weekday(today, 6))
    weekday = _WEEKDAY.search(text)
    if weekday is not None:
        day = _next_weekday(today, _WEEKDAY_INDEX[weekday["day"]])
        if weekday["next"]:
            # 下周X: the same weekday of next week (Monday to Sunday weeks, as on a calendar).
            day = today + dt.timedelta(days=7 - today.weekday() + _WEEKDAY_INDEX[weekday["day"]])
        return (day,)
    for pattern, offset in _RELATIVE_DAYS:
        if re.search(pattern, text):
            return (today + dt.timedelta(days=offset),)
    return ()


def _clock(text: str) -> re.Match[str] | None:
    for clock in _CLOCK.finditer(text):
        start = clock.start("hour")
        little = clock["hour"] == "一" and start > 0 and text[start - 1] in _A_LITTLE
        if not little:
            return clock
    return None


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The next day with `weekday`, today included (周日 asked on a Sunday is today)."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _minute(clock: re.Match[str]) -> int:
    hour = _number(clock["hour"])
    period = clock["period"] or ""
    if hour < 12 and (period in _LATE_PERIODS or (period == "中午" and hour <= 2)):
        hour += 12
    elif not period and 1 <= hour <= 6:
        hour += 12  # a bare 3点 about a site's hours means the afternoon
    minute = int(clock["minute"]) if clock["minute"] else 30 if clock["half"] else 0
    return min(hour, 24) * 60 + minute


def _number(text: str) -> int:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits[text[1]]
    if text.endswith("十"):
        return digits[text[0]] * 10
    if "十" in text:
        return digits[text[0]] * 10 + digits[text[-1]]
    return digits[text]


class Reply(StrEnum):
    """Which answer fits; the action utters the response `utter_hours_<value>`."""

    OPEN_UNTIL = "open_until"  # open now, until `closes_at`
    OPEN_ALL_DAY = "open_all_day"  # open now, round the clock
    OPENS_LATER_TODAY = "opens_later_today"  # closed now, opens at `opens_at` today
    CLOSED_FOR_TODAY = "closed_for_today"  # was open today, closed now; next `opens_at`
    CLOSED_TODAY = "closed_today"  # not open today at all; next `opens_at`
    NOT_SOON = "not_soon"  # closed, no opening within two weeks
    DAY_OPEN = "day_open"  # `day` has `intervals`
    DAY_CLOSED = "day_closed"  # `day` is closed (`holiday` says why, if one); next `opens_at`
    OPEN_AT = "open_at"  # open on `day` at `minute`; that day's `intervals`
    CLOSED_AT = "closed_at"  # closed on `day` at `minute`; that day's `intervals`
    HOLIDAY_RULE = "holiday_rule"  # `policy`, with `holiday` and its `holiday_dates` if known
    WEEKLY = "weekly"  # the weekly table
    UNKNOWN = "unknown"  # the site's hours are not registered


@dataclass(frozen=True)
class HoursAnswer:
    reply: Reply
    day: dt.date | None = None
    intervals: tuple[Interval, ...] = ()
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    minute: int | None = None
    holiday: NamedHoliday | None = None
    holiday_dates: tuple[dt.date, dt.date] | None = None
    policy: HolidayPolicy = HolidayPolicy.CLOSED


def answer_hours_question(
    question: HoursQuestion, hours: WeeklyHours | None, policy: HolidayPolicy, now: dt.datetime
) -> list[HoursAnswer]:
    """One answer per day asked about (周末: two), else one; `now` naive means China time."""
    now = china_time.to_china(now)
    if question.asked is Asked.HOLIDAY:
        dates = holiday_break(question.holiday, now.date()) if question.holiday else None
        return [HoursAnswer(Reply.HOLIDAY_RULE, holiday=question.holiday, holiday_dates=dates,
                            policy=policy, intervals=hours.on(5) if hours else ())]  # fmt: skip
    if hours is None:
        return [HoursAnswer(Reply.UNKNOWN)]
    if question.asked is Asked.WEEKLY:
        return [HoursAnswer(Reply.WEEKLY)]
    if question.asked is Asked.OPEN_ON:
        return [_on_day(hours, policy, day) for day in question.days]
    if question.asked is Asked.AT_TIME and question.minute is not None:
        return [_at_time(hours, policy, day, question.minute) for day in question.days]
    return [_today(hours, policy, now)]


def _today(hours: WeeklyHours, policy: HolidayPolicy, now: dt.datetime) -> HoursAnswer:
    state = opening_state(hours, policy, now)
    today = now.date()
    intervals = intervals_on(hours, policy, today)
    if state.open_now:
        if state.closes_at is None:
            return HoursAnswer(Reply.OPEN_ALL_DAY, day=today, intervals=intervals)
        return HoursAnswer(Reply.OPEN_UNTIL, day=today, intervals=intervals,
                           closes_at=state.closes_at)  # fmt: skip
    if state.opens_at is None:
        return HoursAnswer(Reply.NOT_SOON, day=today)
    if state.opens_at.date() == today:
        closes = china_time.at(today) + dt.timedelta(minutes=intervals[-1][1])
        return HoursAnswer(Reply.OPENS_LATER_TODAY, day=today, intervals=intervals,
                           opens_at=state.opens_at, closes_at=closes)  # fmt: skip
    reply = Reply.CLOSED_FOR_TODAY if intervals else Reply.CLOSED_TODAY
    holiday = holiday_on(today) if policy is not HolidayPolicy.OPEN else None
    return HoursAnswer(reply, day=today, intervals=intervals, opens_at=state.opens_at,
                       holiday=holiday)  # fmt: skip


def _on_day(hours: WeeklyHours, policy: HolidayPolicy, day: dt.date) -> HoursAnswer:
    intervals = intervals_on(hours, policy, day)
    holiday = holiday_on(day) if policy is not HolidayPolicy.OPEN else None
    if intervals:
        return HoursAnswer(Reply.DAY_OPEN, day=day, intervals=intervals, holiday=holiday)
    # The next opening after that day: the state just before its midnight.
    last_minute = china_time.at(day, dt.time(23, 59))
    following = opening_state(hours, policy, last_minute)
    return HoursAnswer(Reply.DAY_CLOSED, day=day, opens_at=following.opens_at, holiday=holiday)


def _at_time(hours: WeeklyHours, policy: HolidayPolicy, day: dt.date, minute: int) -> HoursAnswer:
    intervals = intervals_on(hours, policy, day)
    if not intervals:
        return _on_day(hours, policy, day)  # closed all that day: say so, and when it opens
    is_open = any(opens <= minute < closes for opens, closes in intervals)
    reply = Reply.OPEN_AT if is_open else Reply.CLOSED_AT
    return HoursAnswer(reply, day=day, intervals=intervals, minute=minute)
