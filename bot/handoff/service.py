"""Handoff records in the app database: request, exclusive claim, reply, release, escalation.

Plain data functions: they never commit and know nothing of the engine; `desk.py` pairs them
with pausing and resuming the engine's conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.handoffs import OPEN_STATES, Handoff, HandoffState
from bot.db.tickets import Severity, Ticket
from bot.errors import HandoffNotFound, HandoffTaken
from bot.notifications import outbox
from bot.templates import notifications as messages
from bot.tickets.categories import OTHER
from bot.tickets.filing import NewReport, file_report

NO_ADDRESS = "居民未提供地址（人工服务转办）"


def open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalars(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.state.in_(OPEN_STATES)
        )
    ).first()


def request(
    session: Session,
    *,
    conversation_id: str,
    sender_id: str,
    channel: str,
    user_id: str,
    now: datetime,
    in_staff_hours: bool,
    escalate_at: datetime,
    paused: bool,
    question: str | None = None,
) -> tuple[Handoff, bool]:
    """The open handoff of this conversation, made now if there is none; (handoff, created)."""
    existing = open_handoff(session, conversation_id)
    if existing is not None:
        existing.paused = existing.paused or paused
        return existing, False
    handoff = Handoff(
        conversation_id=conversation_id,
        sender_id=sender_id,
        channel=channel,
        user_id=user_id,
        state=HandoffState.WAITING,
        paused=paused,
        in_staff_hours=in_staff_hours,
        requested_at=now,
        escalate_at=escalate_at,
        question=question,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(handoff)
            session.flush()
    except IntegrityError:  # another process opened it a moment ago
        winner = open_handoff(session, conversation_id)
        if winner is None:
            raise
        return winner, False
    return handoff, True


def list_open(session: Session) -> list[Handoff]:
    """Waiting and held, oldest request first."""
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.state.in_(OPEN_STATES))
            .order_by(Handoff.requested_at, Handoff.id)
        )
    )


def latest_states(session: Session) -> dict[str, str]:
    """conversation id -> state of its latest handoff (the listing's `handoff` field)."""
    states: dict[str, str] = {}
    for cid, state in session.execute(
        select(Handoff.conversation_id, Handoff.state).order_by(Handoff.id)
    ):
        states[cid] = str(state)
    return states


def claim(session: Session, *, conversation_id: str, by: str, now: datetime) -> Handoff:
    """Take the conversation; exclusive: of two staff claiming at once exactly one wins."""
    handoff = _require_open(session, conversation_id)
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.state == HandoffState.WAITING)
        .values(state=HandoffState.HELD, held_by=by, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(handoff)
    if getattr(result, "rowcount", 0) == 1:
        return handoff
    if handoff.state is HandoffState.HELD and handoff.held_by == by:
        return handoff  # claiming again what one holds changes nothing
    if handoff.state is HandoffState.HELD:
        raise HandoffTaken(f"{handoff.held_by} already holds conversation {conversation_id}")
    raise HandoffNotFound(f"conversation {conversation_id} is no longer waiting for a person")


def reply(session: Session, *, conversation_id: str, text: str, by: str, now: datetime) -> Handoff:
    """Queue a staff reply to the resident (claiming the conversation if still waiting)."""
    text = text.strip()
    if not text:
        raise ValueError("a reply needs some text")
    handoff = _require_open(session, conversation_id)
    if handoff.state is HandoffState.WAITING:
        handoff = claim(session, conversation_id=conversation_id, by=by, now=now)
    elif handoff.held_by != by:
        raise HandoffTaken(f"{handoff.held_by} holds conversation {conversation_id}; ask them")
    outbox.enqueue(
        session=session,
        channel=handoff.channel,
        user_id=handoff.user_id,
        text=messages.STAFF_REPLY.format(text=text),
        kind="handoff_reply",
        now=now,
    )
    handoff.updated_at = now
    return handoff


def release(session: Session, *, conversation_id: str, by: str, now: datetime) -> Handoff:
    """Hand the conversation back to the assistant and tell the resident."""
    handoff = _require_open(session, conversation_id)
    if handoff.state is HandoffState.HELD and handoff.held_by != by:
        raise HandoffTaken(f"{handoff.held_by} holds conversation {conversation_id}")
    _end(handoff, HandoffState.RELEASED, by=by, now=now)
    outbox.enqueue(
        session=session,
        channel=handoff.channel,
        user_id=handoff.user_id,
        text=messages.RELEASED,
        kind="handoff_released",
        now=now,
    )
    return handoff


def due_for_escalation(session: Session, *, now: datetime, limit: int = 20) -> list[Handoff]:
    """Waiting handoffs past their time, locked for this transaction (several web processes:
    each takes different rows on PostgreSQL)."""
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.state == HandoffState.WAITING, Handoff.escalate_at <= now)
            .order_by(Handoff.escalate_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def escalate(
    session: Session,
    handoff: Handoff,
    *,
    now: datetime,
    address: str | None = None,
    notify: bool = True,
) -> Ticket:
    """Turn the waiting handoff into a ticket routed like a problem report; tell the resident
    through the outbox unless the conversation itself says it (`notify=False`)."""
    filed = file_report(
        session=session,
        report=NewReport(
            channel=handoff.channel,
            user_id=handoff.user_id,
            category=OTHER,
            description=messages.escalation_description(handoff.question),
            address=address or NO_ADDRESS,
            message_id=f"handoff-{handoff.id}",
            severity=Severity.ORDINARY,
        ),
        now=now,
    )
    ticket = filed.ticket
    handoff.ticket_id = ticket.id
    _end(handoff, HandoffState.ESCALATED, by=None, now=now)
    if not notify:
        return ticket
    outbox.enqueue(
        session=session,
        channel=handoff.channel,
        user_id=handoff.user_id,
        text=messages.ESCALATED.format(number=ticket.number),
        kind="handoff_escalated",
        ticket_id=ticket.id,
        now=now,
    )
    return ticket


def close_all(session: Session, *, sender_id: str, now: datetime) -> Sequence[Handoff]:
    """The resident had the conversation deleted: nothing stays open for it."""
    found = list(
        session.scalars(
            select(Handoff).where(Handoff.sender_id == sender_id, Handoff.state.in_(OPEN_STATES))
        )
    )
    for handoff in found:
        _end(handoff, HandoffState.CLOSED, by=None, now=now)
        handoff.question = None
    return found


def _require_open(session: Session, conversation_id: str) -> Handoff:
    handoff = open_handoff(session, conversation_id)
    if handoff is None:
        raise HandoffNotFound(f"nobody is waiting for a person in conversation {conversation_id}")
    return handoff


def _end(handoff: Handoff, state: HandoffState, *, by: str | None, now: datetime) -> None:
    handoff.state = state
    handoff.ended_at = now
    handoff.ended_by = by
    handoff.updated_at = now
