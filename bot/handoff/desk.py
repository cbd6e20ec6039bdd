"""The staff side of a handoff, as the command line and the console use it: each step changes
the handoff record and the engine's conversation together (the engine's own pause/resume)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.db.columns import utcnow
from bot.db.handoffs import Handoff
from bot.errors import EngineUnavailable
from bot.handoff import service
from bot.templates import notifications as messages

logger = logging.getLogger(__name__)


class ConversationControl(Protocol):
    """What the desk needs of the engine (`bot.engine.client.EngineAdmin`)."""

    def pause(self, sender_id: str) -> None: ...

    def resume(self, sender_id: str) -> None: ...

    def note_staff_reply(self, sender_id: str, text: str, by: str) -> None: ...


@dataclass(frozen=True)
class HandoffView:
    id: str  # the conversation id `conversations show` takes
    state: str
    channel: str
    since: datetime
    held_by: str | None
    in_staff_hours: bool
    escalate_at: datetime

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffView:
        return cls(
            id=handoff.conversation_id,
            state=str(handoff.state),
            channel=handoff.channel,
            since=handoff.requested_at,
            held_by=handoff.held_by,
            in_staff_hours=handoff.in_staff_hours,
            escalate_at=handoff.escalate_at,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "channel": self.channel,
            "since": self.since.isoformat(),
            "held_by": self.held_by,
            "in_staff_hours": self.in_staff_hours,
            "escalate_at": self.escalate_at.isoformat(),
        }


class HandoffDesk:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        control: ConversationControl,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._factory = session_factory
        self._control = control
        self._clock = clock

    def waiting_and_held(self) -> list[HandoffView]:
        with self._factory.begin() as session:
            return [HandoffView.of(h) for h in service.list_open(session)]

    def claim(self, conversation_id: str, *, by: str) -> HandoffView:
        with self._factory.begin() as session:
            handoff = service.claim(
                session, conversation_id=conversation_id, by=by, now=self._clock()
            )
            if not handoff.paused:
                # Asked outside staff hours, the assistant kept answering; now a person has it.
                self._control.pause(handoff.sender_id)
                handoff.paused = True
            return HandoffView.of(handoff)

    def reply(self, conversation_id: str, text: str, *, by: str) -> HandoffView:
        with self._factory.begin() as session:
            handoff = service.reply(
                session, conversation_id=conversation_id, text=text, by=by, now=self._clock()
            )
            if not handoff.paused:
                self._control.pause(handoff.sender_id)
                handoff.paused = True
            view = HandoffView.of(handoff)
            sender = handoff.sender_id
        # The reply is already queued for delivery; the record's copy must not undo that.
        try:
            self._control.note_staff_reply(sender, messages.STAFF_REPLY.format(text=text), by)
        except EngineUnavailable as exc:
            logger.warning("staff reply sent but not added to the record: %s", exc)
        return view

    def release(self, conversation_id: str, *, by: str) -> HandoffView:
        with self._factory.begin() as session:
            handoff = service.release(
                session, conversation_id=conversation_id, by=by, now=self._clock()
            )
            if handoff.paused:
                self._control.resume(handoff.sender_id)
            return HandoffView.of(handoff)

    def escalate_due(self) -> list[str]:
        """Waiting handoffs nobody claimed in time become tickets; returns their numbers."""
        numbers: list[str] = []
        with self._factory.begin() as session:
            # One transaction: if the engine cannot be resumed, nothing is escalated this round.
            for handoff in service.due_for_escalation(session, now=self._clock()):
                ticket = service.escalate(session, handoff, now=self._clock())
                if handoff.paused:
                    self._control.resume(handoff.sender_id)
                numbers.append(ticket.number)
        return numbers
