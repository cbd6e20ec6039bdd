"""The report form: starting it with what the first message said, and validating each answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context
from actions.conversation import latest_entity, latest_text
from bot.privacy import mask_phone
from bot.sites.coords import valid_point
from bot.sites.gazetteer import locate_place
from bot.tickets.errors import InvalidPhone
from bot.tickets.phones import normalize_phone
from bot.tickets.severity import detect_emergency

Events = list[dict[str, Any]]
SHARED_LOCATION = "__shared_location__"
SHARED_LABEL = "已发送的定位"  # what the summary shows for a shared point (not an address)
CANCELLED = "__cancelled__"
REPORT_SLOTS = ("problem_type", "report_description", "report_location", "report_phone")
CANCEL_WORDS = ("取消", "不报了", "不反映了", "不登记了", "算了", "不用了")
FIELD_WORDS = {
    "problem_type": ("类别", "类型", "分类"),
    "report_description": ("描述", "情况", "内容"),
    "report_location": ("地点", "地址", "位置"),
    "report_phone": ("电话", "手机", "号码"),
}
MIN_DESCRIPTION = 4
MAX_DESCRIPTION = 2000
# Messages that only say "I want to report something" describe nothing yet.
GENERIC_OPENERS = ("我要投诉", "我要反映", "反映问题", "我要举报", "投诉", "举报", "反映个问题")


def is_cancel(text: str) -> bool:
    return any(word in text for word in CANCEL_WORDS) and len(text) <= 12


def cancel_everything() -> dict[str, Any]:
    """Fills every slot so the form ends at once; the submit action then says it is cancelled."""
    return {**dict.fromkeys(REPORT_SLOTS, CANCELLED), "report_confirmed": "no"}


def describes_something(text: str) -> bool:
    stripped = text.strip("，。！？!?. ")
    return len(stripped) >= 8 and stripped not in GENERIC_OPENERS


class ActionStartReport(Action):
    """Clears a previous report and keeps what the opening message already said."""

    def name(self) -> str:
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        text = latest_text(tracker)
        phrase = latest_entity(tracker, "problem_type")
        category = context.vocabulary().canonical_problem_type(phrase) if phrase else None
        emergency = detect_emergency(category, text)
        if emergency is not None:
            dispatcher.utter_message(
                response="utter_emergency", hotlines="、".join(emergency.hotlines)
            )
        place = latest_entity(tracker, "place") or latest_entity(tracker, "community")
        events: Events = [SlotSet(slot, None) for slot in (*REPORT_SLOTS, "report_confirmed")]
        events += [SlotSet("report_lat", None), SlotSet("report_lon", None)]
        events += [SlotSet("report_phone_display", None)]
        if category:
            events.append(SlotSet("problem_type", category))
        if describes_something(text):
            events.append(SlotSet("report_description", text[:MAX_DESCRIPTION]))
        if place:
            events += located(place)
        # Photos sent just before the report belong to it; keep them.
        return events


def located(place: str) -> Events:
    """The place as the ticket's address, with registry coordinates when the name is known."""
    with context.transaction() as session:
        point = locate_place(session=session, name=place)
    events: Events = [SlotSet("report_location", place)]
    if point is not None:
        events += [SlotSet("report_lat", point[0]), SlotSet("report_lon", point[1])]
    return events


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    def validate_problem_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if is_cancel(text):
            return cancel_everything()
        vocabulary = context.vocabulary()
        category = vocabulary.canonical_problem_type(text) or next(
            (
                canonical
                for canonical, synonyms in vocabulary.problem_types.items()
                if any(word in text for word in (canonical, *synonyms))
            ),
            None,
        )
        if category is None:
            dispatcher.utter_message(response="utter_problem_type_unknown")
            return {"problem_type": None}
        return {"problem_type": category}

    def validate_report_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if is_cancel(text):
            return cancel_everything()
        if len(text) < MIN_DESCRIPTION:
            dispatcher.utter_message(response="utter_description_too_short")
            return {"report_description": None}
        return {"report_description": text[:MAX_DESCRIPTION]}

    def validate_report_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text == SHARED_LOCATION:
            point = valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))
            if point is None:  # not a place on Earth: ask again rather than file it
                dispatcher.utter_message(response="utter_location_invalid")
                return {"report_location": None, "latitude": None, "longitude": None}
            return {"report_location": SHARED_LABEL, "report_lat": point[0], "report_lon": point[1]}
        if is_cancel(text):
            return cancel_everything()
        if len(text) < 2:
            dispatcher.utter_message(response="utter_location_too_short")
            return {"report_location": None}
        if tracker.get_slot("report_lat") is not None:
            return {"report_location": text}
        return _slot_dict(located(text[:200]))

    def validate_report_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text == "none" or any(w in text for w in ("不留", "不用", "不方便", "不想")):
            return {"report_phone": "none", "report_phone_display": "不留"}
        if is_cancel(text):
            return cancel_everything()
        try:
            phone = normalize_phone(text)
        except InvalidPhone:
            phone = None
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"report_phone": None}
        return {"report_phone": phone, "report_phone_display": mask_phone(phone)}

    def validate_report_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text in {"yes", "no"}:
            return {"report_confirmed": text}
        if text == "correct":
            field = latest_entity(tracker, "report_field")
            if field in FIELD_WORDS:
                return {field: None, "report_confirmed": None}
        elif is_cancel(text):
            return {"report_confirmed": "no"}
        elif text in {"确认", "确定", "提交", "对", "没问题"}:
            return {"report_confirmed": "yes"}
        else:
            for field, words in FIELD_WORDS.items():
                if any(word in text for word in words):
                    return {field: None, "report_confirmed": None}
        dispatcher.utter_message(response="utter_please_confirm")
        return {"report_confirmed": None}


def _slot_dict(events: Events) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
