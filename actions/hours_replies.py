"""Says the answer to an hours question: which domain response fits, filled with its values."""

from __future__ import annotations

import datetime as dt

from rasa_sdk.executor import CollectingDispatcher

from bot.sites.hours_questions import HoursAnswer, Reply
from bot.templates import site_phrases


def say_hours_answer(
    dispatcher: CollectingDispatcher,
    answer: HoursAnswer,
    *,
    name: str,
    phone: str,
    today: dt.date,
) -> None:
    """Utters `answer` about the site `name`; WEEKLY and UNKNOWN are answered with the site's
    whole hours (`utter_site_hours`) by the caller."""
    opens, closes = answer.opens_at, answer.closes_at
    dispatcher.utter_message(
        response=response_for(answer),
        name=name,
        phone=phone,
        day=site_phrases.day_label(answer.day, today) if answer.day else "",
        intervals=site_phrases.intervals(answer.intervals),
        opens=site_phrases.moment(opens, today) if opens else "",
        opens_clock=opens.strftime("%H:%M") if opens else "",
        closes_clock=closes.strftime("%H:%M") if closes else "",
        time=site_phrases.clock(answer.minute) if answer.minute is not None else "",
        holiday=answer.holiday.value if answer.holiday else "",
        rule=site_phrases.holiday_rule(answer.policy, answer.intervals),
        dates=site_phrases.dates(*answer.holiday_dates) if answer.holiday_dates else "",
    )


# Literal names, so a search of the actions finds every response they use.
RESPONSES = {
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
ON_HOLIDAY = {
    Reply.CLOSED_TODAY: "utter_hours_closed_today_holiday",
    Reply.DAY_CLOSED: "utter_hours_day_closed_holiday",
}
NAMED_HOLIDAY = ("utter_hours_holiday_dates", "utter_hours_holiday_undated")


def response_for(answer: HoursAnswer) -> str:
    reply = answer.reply
    if reply in ON_HOLIDAY and answer.opens_at is None:
        return "utter_hours_not_soon"
    if reply in ON_HOLIDAY and answer.holiday is not None:
        return ON_HOLIDAY[reply]
    if reply is Reply.HOLIDAY_RULE and answer.holiday is not None:
        return NAMED_HOLIDAY[0] if answer.holiday_dates else NAMED_HOLIDAY[1]
    return RESPONSES[reply]
