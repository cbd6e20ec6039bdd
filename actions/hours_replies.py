"""Which domain response answers an hours question, and the values it is filled with."""

from __future__ import annotations

import datetime as dt

from actions import site_phrases
from bot.sites.hours_questions import HoursAnswer, Reply

Utterance = tuple[str, dict[str, str]]


def hours_reply(answer: HoursAnswer, *, name: str, phone: str, today: dt.date) -> Utterance:
    """(response name, variables) for `answer` about the site `name`; WEEKLY and UNKNOWN are
    answered with the site's whole hours (`utter_site_hours`) by the caller."""
    values = {
        "name": name,
        "phone": phone,
        "day": site_phrases.day_label(answer.day, today) if answer.day else "",
        "intervals": site_phrases.intervals(answer.intervals),
        "opens": site_phrases.moment(answer.opens_at, today) if answer.opens_at else "",
        "opens_clock": answer.opens_at.strftime("%H:%M") if answer.opens_at else "",
        "closes_clock": answer.closes_at.strftime("%H:%M") if answer.closes_at else "",
        "time": site_phrases.clock(answer.minute) if answer.minute is not None else "",
        "holiday": answer.holiday.value if answer.holiday else "",
        "rule": site_phrases.holiday_rule(answer.policy, answer.intervals),
        "dates": site_phrases.dates(*answer.holiday_dates) if answer.holiday_dates else "",
    }
    return _response(answer), values


# Literal names, so a search of the actions finds every response they use.
_RESPONSES = {
    Reply.OPEN_UNTIL: "utter_hours_open_until",
    Reply.OPEN_ALL_DAY: "utter_hours_open_all_day",
    Reply.OPENS_LATER_TODAY: "utter_hours_opens_later_today",
    Reply.CLOSED_FOR_TODAY: "utter_hours_closed_for_today",
    Reply.CLOSED_TODAY: "utter_hours_closed_today",
    Reply.NOT_SOON: "utter_hours_not_soon",
    Reply.DAY_OPEN: "utter_hours_day_open",
    Reply.DAY_CLOSED: "utter_hours_day_closed",
    Reply.OPEN_AT: "utter_hours_open_at",
    Reply.CLOSED_AT: "utter_hours_closed_at",
    Reply.HOLIDAY_RULE: "utter_hours_holiday_rule",
    Reply.WEEKLY: "utter_site_hours",
    Reply.UNKNOWN: "utter_site_hours",
}
# Closed because of a statutory holiday: the reply says which.
_ON_HOLIDAY = {
    Reply.CLOSED_TODAY: "utter_hours_closed_today_holiday",
    Reply.DAY_CLOSED: "utter_hours_day_closed_holiday",
}


def _response(answer: HoursAnswer) -> str:
    reply = answer.reply
    if reply in _ON_HOLIDAY and answer.opens_at is None:
        return "utter_hours_not_soon"
    if reply in _ON_HOLIDAY and answer.holiday is not None:
        return _ON_HOLIDAY[reply]
    if reply is Reply.HOLIDAY_RULE and answer.holiday is not None:
        return (
            "utter_hours_holiday_dates" if answer.holiday_dates else "utter_hours_holiday_undated"
        )
    return _RESPONSES[reply]
