"""Actions for handing a conversation to a person: the request, a callback ticket instead, and
keeping a held conversation paused across a new session."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import context
from actions.conversation import channel_and_user, latest_text
from bot.conversations.ids import conversation_id
from bot.db.columns import utcnow
from bot.handoff import service
from bot.handoff.staff_hours import staff_hours_of
from bot.templates import phrases
from bot.templates.notifications import back_at

Events = list[dict[str, Any]]
logger = logging.getLogger(__name__)


def _conversation(tracker: Tracker) -> str:
    return conversation_id(str(tracker.sender_id), secret=context.settings().conversation_id_secret)


class ActionHumanHandoff(Action):
    """Within staff hours the engine pauses at once and a person answers here; outside them
    the assistant keeps helping, says when staff are back and offers a callback ticket."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        settings = context.settings()
        hours = staff_hours_of(settings)
        now = utcnow()
        in_hours = hours.is_open(now)
        channel, user = channel_and_user(tracker)
        with context.transaction() as session:
            handoff, _created = service.request(
                session,
                conversation_id=_conversation(tracker),
                sender_id=str(tracker.sender_id),
                channel=channel,
                user_id=user,
                now=now,
                in_staff_hours=in_hours,
                escalate_at=hours.add(now, settings.handoff_escalate_minutes),
                paused=in_hours,
                question=_question(tracker),
            )
            held = handoff.held_by is not None
        if in_hours or held:
            dispatcher.utter_message(response="utter_handoff_waiting")
            return [ConversationPaused()]
        back = hours.next_open(now)
        dispatcher.utter_message(
            response="utter_handoff_after_hours",
            back_at=back_at(back) if back else phrases.NEXT_WORKDAY,
        )
        return []


class ActionHandoffCallback(Action):
    """The resident would rather leave the question as a ticket than wait for staff hours."""

    def name(self) -> str:
        return "action_handoff_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        now = utcnow()
        with context.transaction() as session:
            handoff = service.open_handoff(session, _conversation(tracker))
            if handoff is None:
                dispatcher.utter_message(response="utter_handoff_nothing_waiting")
                return []
            ticket = service.escalate(
                session, handoff, now=now, address=tracker.get_slot("report_location"), notify=False
            )
            number = ticket.number
        dispatcher.utter_message(response="utter_handoff_callback_filed", ticket_number=number)
        return [SlotSet("ticket_id", number)]


class ActionSessionStart(Action):
    """A new session must not end a person's hold: Rasa's session start clears the pause, so
    it is set again while a handoff keeps the conversation paused."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        events: Events = [SessionStarted(), ActionExecuted("action_listen")]
        try:
            with context.transaction() as session:
                handoff = service.open_handoff(session, _conversation(tracker))
                paused = handoff is not None and handoff.paused
        except SQLAlchemyError:
            # Starting the session matters more than the hold; the desk pauses again on claim.
            logger.exception("handoff state unknown at session start")
            paused = False
        if paused:
            events.append(ConversationPaused())
        return events


def _question(tracker: Tracker) -> str | None:
    """What the resident wanted, for the staff member or the ticket: the message before "找人"
    when that one was only the request itself."""
    texts = [
        str(e.get("text") or "")
        for e in tracker.events
        if e.get("event") == "user" and not str(e.get("text") or "").startswith("/")
    ]
    current = latest_text(tracker)
    if len(texts) >= 2 and len(current) <= 8:
        return phrases.question_with_follow_up(texts[-2], current)[:500]
    return current[:500] or None
