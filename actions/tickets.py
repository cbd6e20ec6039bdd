"""Actions about tickets: filing the confirmed report, photos, status checks, ratings."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.conversation import channel_and_user, incoming_message_id, latest_entity, latest_text
from actions.replies import utter_error
from actions.report_form import CANCELLED, DERIVED_SLOTS, REPORT_SLOTS, SHARED_LABEL
from bot import china_time
from bot.channels.payloads import is_photo_ref
from bot.sites.coords import valid_point
from bot.templates import phrases as wording
from bot.templates.notifications import SEVERITY_LABELS, receipt_assignee, target_text
from bot.tickets.errors import InvalidRating, TicketError
from bot.tickets.filing import MAX_PHOTOS, NewReport, file_report
from bot.tickets.numbers import find_number
from bot.tickets.queries import get_ticket_for_owner, latest_ticket_for_owner
from bot.tickets.rating import record_rating
from bot.tickets.views import view_ticket

Events = list[dict[str, Any]]


def clear_report() -> Events:
    slots = (*REPORT_SLOTS, "report_confirmed", *DERIVED_SLOTS, "report_photos")
    return [SlotSet(slot, None) for slot in slots]


class ActionSubmitReport(Action):
    def name(self) -> str:
        return "action_submit_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        slot = tracker.get_slot
        if slot("report_confirmed") != "yes" or slot("problem_type") == CANCELLED:
            dispatcher.utter_message(response="utter_report_cancelled")
            return clear_report()
        channel, user = channel_and_user(tracker)
        phone = slot("report_phone")
        location = slot("report_location")
        # The form validated the point; a tracker that still holds a bad one keeps the address.
        point = valid_point(slot("report_lat"), slot("report_lon"))
        report = NewReport(
            channel=channel,
            user_id=user,
            category=slot("problem_type"),
            description=slot("report_description") or "",
            lat=point[0] if point else None,
            lon=point[1] if point else None,
            address=None if location == SHARED_LABEL else location,
            photos=tuple(
                p for p in slot("report_photos") or () if is_photo_ref(p, channel=channel)
            ),
            phone=None if phone in (None, "none") else phone,
            message_id=incoming_message_id(tracker),
            approximate_point=bool(point) and bool(slot("report_point_approximate")),
        )
        try:
            with context.transaction() as session:
                ticket = file_report(session=session, report=report).ticket
                routed = bool(ticket.grid or ticket.community)
                dispatcher.utter_message(
                    response="utter_report_filed" if routed else "utter_report_filed_unrouted",
                    number=ticket.number,
                    category=ticket.category,
                    severity=SEVERITY_LABELS[ticket.severity],
                    target=target_text(ticket),
                    assignee=receipt_assignee(ticket),
                )
                number = ticket.number
        except TicketError as error:
            utter_error(dispatcher, error)
            return clear_report()
        return [*clear_report(), SlotSet("ticket_id", number)]


class ActionCancelReport(Action):
    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(response="utter_report_cancelled")
        return clear_report()


class ActionAttachPhoto(Action):
    def name(self) -> str:
        return "action_attach_photo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        ref = latest_entity(tracker, "photo_ref")
        photos = list(tracker.get_slot("report_photos") or [])
        if not ref:
            return []
        if not is_photo_ref(ref, channel=channel_and_user(tracker)[0]):
            # Only the bridge of this conversation makes references (never a URL).
            dispatcher.utter_message(response="utter_photo_invalid")
            return []
        if len(photos) >= MAX_PHOTOS:
            dispatcher.utter_message(response="utter_too_many_photos", max=MAX_PHOTOS)
            return []
        in_report = tracker.active_loop_name == "report_form"
        dispatcher.utter_message(
            response="utter_photo_received" if in_report else "utter_photo_kept"
        )
        return [SlotSet("report_photos", [*photos, ref])]


class ActionCheckTicket(Action):
    def name(self) -> str:
        return "action_check_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        # Only a real GD number counts: DIET may tag "--" or a word as ticket_id.
        asked = find_number(latest_entity(tracker, "ticket_id") or "") or find_number(
            latest_text(tracker)
        )
        now = china_time.now()
        with context.transaction() as session:
            try:
                if asked:
                    ticket = get_ticket_for_owner(
                        session=session, channel=channel, user_id=user, number=asked
                    )
                else:
                    found = latest_ticket_for_owner(session=session, channel=channel, user_id=user)
                    if found is None:
                        dispatcher.utter_message(response="utter_no_tickets")
                        return []
                    ticket = found
            except TicketError as error:
                utter_error(dispatcher, error, number=asked or "")
                return []
            view = view_ticket(ticket, now=now)
            dispatcher.utter_message(
                response="utter_ticket_status",
                number=view.number,
                category=view.category,
                status=view.status_label,
                note=f"（{view.status_note}）" if view.status_note else "",
                created_at=view.created_at,
                due_at=view.due_at,
                timeline=wording.timeline(ticket.events),
            )
        return [SlotSet("ticket_id", None)]


class ActionRateTicket(Action):
    def name(self) -> str:
        return "action_rate_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        number = latest_entity(tracker, "ticket_number")
        rating = latest_entity(tracker, "rating")
        try:
            score = int(str(rating)) if str(rating).isdigit() else 0
            if not 1 <= score <= 5:
                raise InvalidRating()
            with context.transaction() as session:
                record_rating(
                    session=session,
                    channel=channel,
                    user_id=user,
                    number=str(number),
                    rating=score,
                    now=china_time.now(),
                )
        except TicketError as error:
            utter_error(dispatcher, error, number=str(number or ""))
            return []
        dispatcher.utter_message(response="utter_rating_thanks", rating=score)
        return []
