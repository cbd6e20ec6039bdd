"""The report form: starting it with what the first message said, and reading each answer.

Every answer goes through `bot.tickets.report_answers` first: a correction ("不对，是…")
changes the field it names and keeps the others, and a short reply (好的, 对, 不用, a bare
number) is never taken as a phone number, a place or a description.
"""

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
from bot.sites.gazetteer import place_in_text
from bot.templates import phrases
from bot.tickets import report_answers as answers
from bot.tickets.errors import InvalidPhone
from bot.tickets.phones import normalize_phone
from bot.tickets.severity import detect_emergency
from bot.vocabulary import Vocabulary

Events = list[dict[str, Any]]
Slots = dict[str, Any]
SHARED_LOCATION = "__shared_location__"
SHARED_LABEL = phrases.SHARED_POINT  # a shared point has no address
CANCELLED = "__cancelled__"
OTHER_CATEGORY = "其他"
REPORT_SLOTS = ("problem_type", "report_description", "report_location", "report_phone")
# Slots the actions fill for the summary and the ticket, cleared with the report.
DERIVED_SLOTS = (
    "report_lat",
    "report_lon",
    "report_point_approximate",
    "report_phone_display",
    "report_location_display",
)
MIN_DESCRIPTION = 4
MAX_DESCRIPTION = 2000
MAX_LOCATION = 200


def is_cancel(text: str, vocabulary: Vocabulary) -> bool:
    return vocabulary.reply_kind(text) == "cancel" or (
        len(text) <= 12 and vocabulary.contains_reply(text, "cancel")
    )


def cancel_everything() -> Slots:
    """Fills every slot so the form ends at once; the submit action then says it is cancelled."""
    return {**dict.fromkeys(REPORT_SLOTS, CANCELLED), "report_confirmed": "no"}


def describes_something(text: str, vocabulary: Vocabulary) -> bool:
    """More than "I want to report something" (vocabulary `replies.opener`)."""
    stripped = text.strip("，。！？!?. ")
    return len(stripped) >= 8 and vocabulary.reply_kind(stripped) != "opener"


def located(text: str) -> Slots:
    """A typed place as the ticket's address. When the registry knows a name inside it the
    ticket gets that name's point, marked as approximate; otherwise the address alone, which
    the grid worker resolves. Either way the place is accepted: never asked for again."""
    address = answers.place_text(text)[:MAX_LOCATION]
    with context.transaction() as session:
        known = place_in_text(session=session, text=address)
    if known is None:
        return {
            "report_location": address,
            "report_lat": None,
            "report_lon": None,
            "report_point_approximate": None,
            "report_location_display": phrases.place_shown(address, None),
        }
    return {
        "report_location": address,
        "report_lat": known.lat,
        "report_lon": known.lon,
        "report_point_approximate": True,
        "report_location_display": phrases.place_shown(address, known.name),
    }


def as_events(slots: Slots) -> Events:
    return [SlotSet(name, value) for name, value in slots.items()]


class ActionStartReport(Action):
    """Clears a previous report and keeps what the opening message already said."""

    def name(self) -> str:
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        vocabulary = context.vocabulary()
        # A button's payload ("/report_problem") says nothing about the problem.
        text = "" if latest_text(tracker).startswith("/") else latest_text(tracker)
        phrase = latest_entity(tracker, "problem_type")
        category = vocabulary.canonical_problem_type(phrase) if phrase else None
        category = category or vocabulary.problem_type_in(text)
        emergency = detect_emergency(category, text)
        if emergency is not None:
            dispatcher.utter_message(
                response="utter_emergency", hotlines="、".join(emergency.hotlines)
            )
        slots: Slots = dict.fromkeys((*REPORT_SLOTS, "report_confirmed", *DERIVED_SLOTS))
        if describes_something(text, vocabulary):
            slots["report_description"] = text[:MAX_DESCRIPTION]
            # A described problem needs no category question: the summary shows 其他 and the
            # resident can still change it.
            slots["problem_type"] = category or OTHER_CATEGORY
        elif category:
            slots["problem_type"] = category
        place = latest_entity(tracker, "place") or latest_entity(tracker, "community")
        if place:
            slots.update(located(place))
        # Photos sent just before the report belong to it; keep them.
        return as_events(slots)


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        vocabulary = context.vocabulary()
        requested = tracker.get_slot("requested_slot")
        if requested and tracker.get_intent_of_latest_message() == "correct_report":
            field = latest_entity(tracker, "report_field")
            if field in answers.FIELDS:
                return as_events({field: None, "report_confirmed": None})
        if requested and is_cancel(latest_text(tracker).strip(), vocabulary):
            return as_events(cancel_everything())  # at any question, "算了，不报了" ends it
        correction = (
            answers.parse_correction(latest_text(tracker), vocabulary) if requested else None
        )
        if correction is None:
            events: Events = await super().run(dispatcher, tracker, domain)
            return events
        # Whatever the slot mappings took from this message for the question asked was not
        # an answer to it: the correction decides every slot this turn.
        slots: Slots = {str(requested): None} if requested != correction.field else {}
        slots.update(self.corrected(correction, tracker, dispatcher, vocabulary))
        slots["report_confirmed"] = None
        return as_events(slots)

    def corrected(
        self,
        correction: answers.Correction,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        vocabulary: Vocabulary,
    ) -> Slots:
        field, value = correction.field, correction.value
        if field is None:
            dispatcher.utter_message(response="utter_ask_which_field")
            return {}
        if value is None:  # "地址错了": ask for that field again
            return {field: None}
        if field == answers.PHONE:
            return self.validate_report_phone(value, dispatcher, tracker, {})
        if field == answers.LOCATION:
            current = tracker.get_slot("report_location")
            patched = answers.replace_address_part(current, value) if current else None
            slots = located(patched or value)
        elif field == answers.CATEGORY:
            slots = {"problem_type": vocabulary.problem_type_in(value)}
            if slots["problem_type"] is None:
                dispatcher.utter_message(response="utter_problem_type_unknown")
                return slots
            if vocabulary.canonical_problem_type(value) is None and describes_something(
                value, vocabulary
            ):
                slots["report_description"] = value[:MAX_DESCRIPTION]
        else:
            slots = {"report_description": value[:MAX_DESCRIPTION]}
            category = vocabulary.problem_type_in(value)
            if category is not None:
                slots["problem_type"] = category
        shown = slots.get("report_location_display") or slots.get(field) or value
        dispatcher.utter_message(
            response="utter_report_corrected", field=answers.FIELD_LABELS[field], value=shown
        )
        return slots

    def validate_problem_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        vocabulary = context.vocabulary()
        text = str(value or "").strip()
        category = vocabulary.canonical_problem_type(text) or vocabulary.problem_type_in(text)
        if category is None or answers.is_not_a_value(text, vocabulary):
            dispatcher.utter_message(response="utter_problem_type_unknown")
            return {"problem_type": None}
        return {"problem_type": category}

    def validate_report_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        vocabulary = context.vocabulary()
        text = str(value or "").strip()
        if len(text) < MIN_DESCRIPTION or answers.is_not_a_value(text, vocabulary):
            dispatcher.utter_message(response="utter_description_too_short")
            return {"report_description": None}
        return {"report_description": text[:MAX_DESCRIPTION]}

    def validate_report_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        vocabulary = context.vocabulary()
        text = str(value or "").strip()
        if text == SHARED_LOCATION:
            point = valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))
            if point is None:  # not a place on Earth: ask again rather than file it
                dispatcher.utter_message(response="utter_location_invalid")
                return {"report_location": None, "latitude": None, "longitude": None}
            return {
                "report_location": SHARED_LABEL,
                "report_lat": point[0],
                "report_lon": point[1],
                "report_point_approximate": None,
                "report_location_display": SHARED_LABEL,
            }
        if len(answers.place_text(text)) < 2 or answers.is_not_a_value(text, vocabulary):
            dispatcher.utter_message(response="utter_location_too_short")
            return {"report_location": None}
        return located(text)

    def validate_report_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        vocabulary = context.vocabulary()
        text = str(value or "").strip()
        if text == "none" or vocabulary.reply_kind(text) == "decline":
            return {"report_phone": "none", "report_phone_display": phrases.PHONE_NOT_GIVEN}
        try:
            phone = normalize_phone(text) if answers.is_phone(text) else None
        except InvalidPhone:
            phone = None
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"report_phone": None}
        return {"report_phone": phone, "report_phone_display": mask_phone(phone)}

    def validate_report_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        vocabulary = context.vocabulary()
        text = str(value or "").strip()
        if text in {"yes", "no"}:
            return {"report_confirmed": text}
        if text == "correct":
            field = latest_entity(tracker, "report_field")
            if field in answers.FIELDS:
                return {field: None, "report_confirmed": None}
        elif vocabulary.reply_kind(text) == "acknowledge":
            return {"report_confirmed": "yes"}
        else:
            for field, words in answers.FIELD_WORDS.items():
                if any(word in text for word in words):
                    return {field: None, "report_confirmed": None}
        dispatcher.utter_message(response="utter_please_confirm")
        return {"report_confirmed": None}
