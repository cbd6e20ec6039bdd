"""Deleting from the record: old events after the retention period, and everything of one
resident who asks to be forgotten. Tickets keep their own copy of what a ticket needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.conversations import store

events = store.events


def purge_before(session: Session, *, before: datetime) -> int:
    """Delete events older than `before`; returns how many.

    Never cuts into a conversation's current session: Rasa finds which events of a turn are
    new by counting the stored events since the latest session start, so deleting some of
    those would make it store the session again. A conversation entirely older than `before`
    goes as a whole.
    """
    if not store.record_exists(session):
        return 0
    cutoff = before.timestamp()
    later = events.alias("later")
    starts = events.alias("starts")
    current_session_start = (
        select(func.max(starts.c.timestamp))
        .where(starts.c.sender_id == events.c.sender_id, starts.c.type_name == "session_started")
        .scalar_subquery()
    )
    active_since_cutoff = exists().where(
        later.c.sender_id == events.c.sender_id, later.c.timestamp >= cutoff
    )
    statement = delete(events).where(
        and_(
            events.c.timestamp < cutoff,
            or_(~active_since_cutoff, events.c.timestamp < current_session_start),
        )
    )
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def forget_sender(session: Session, *, sender_id: str) -> int:
    """Delete every event of one conversation; returns how many."""
    if not store.record_exists(session):
        return 0
    result = session.execute(delete(events).where(events.c.sender_id == sender_id))
    return int(getattr(result, "rowcount", 0) or 0)
