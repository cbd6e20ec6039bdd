"""Pull-style delivery for channels that cannot be pushed to (the terminal chat): the client
takes its own pending outbox messages, and they count as sent once taken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.outbox import OutboxMessage, OutboxStatus


def take_pending(
    *, session: Session, channel: str, user_id: str, now: datetime, limit: int = 20
) -> list[OutboxMessage]:
    """The user's pending messages, oldest first, marked sent in the caller's transaction."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.user_id == user_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    messages = list(session.scalars(query))
    for message in messages:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.attempts += 1
    return messages
