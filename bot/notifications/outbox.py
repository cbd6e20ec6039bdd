"""Writing to the outbox: called inside the caller's transaction, next to the change it reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.notifications.sender import Button

# Channels residents cannot be reached on: Open311 clients poll `GET requests/{id}.json`.
PULL_ONLY_CHANNELS = frozenset({"open311"})


def enqueue(
    *,
    session: Session,
    channel: str,
    user_id: str,
    text: str,
    now: datetime,
    buttons: Sequence[Button] = (),
    kind: str = "notice",
    ticket_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message; it is sent only if the caller's transaction commits (no commit here)."""
    if channel in PULL_ONLY_CHANNELS:
        return None
    message = OutboxMessage(
        channel=channel,
        user_id=user_id,
        text=text,
        buttons=[b.to_json() for b in buttons],
        kind=kind,
        ticket_id=ticket_id,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message
