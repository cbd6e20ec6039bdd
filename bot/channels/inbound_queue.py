"""Data functions of the inbound queue (`inbound_messages`); the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.inbound import InboundMessage, InboundStatus

WAITING = (InboundStatus.QUEUED, InboundStatus.PROCESSING)


@dataclass(frozen=True)
class Pending:
    """A queued message claimed for one more try (a plain value: used with no session open)."""

    id: int
    user_id: str
    text: str
    meta: dict[str, Any]
    created_at: datetime


def record_received(
    *,
    session: Session,
    channel: str,
    user_id: str,
    message_key: str,
    text: str,
    meta: dict[str, Any],
    now: datetime,
    lease: timedelta,
) -> int | None:
    """Store a new message as being processed; None when this key was received before."""
    row = InboundMessage(
        channel=channel,
        user_id=user_id,
        message_key=message_key,
        text=text,
        meta=meta,
        status=InboundStatus.PROCESSING,
        attempts=1,
        next_attempt_at=now + lease,  # a crash mid-way leaves it for the retry loop
        created_at=now,
    )
    # A savepoint: the unique key decides between two deliveries racing in parallel, and the
    # loser's failed insert must not spoil the caller's transaction.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def mark_answered(*, session: Session, message_id: int, now: datetime) -> None:
    # The text is no longer needed once answered: keeping it would only duplicate residents'
    # words (the engine's tracker has them) in one more place.
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id)
        .values(status=InboundStatus.ANSWERED, answered_at=now, text="", meta={})
    )


def mark_queued(*, session: Session, message_id: int, retry_at: datetime) -> None:
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id)
        .values(status=InboundStatus.QUEUED, next_attempt_at=retry_at)
    )


def has_waiting(*, session: Session, channel: str, user_id: str, before_id: int) -> bool:
    """Whether an older message of this user still waits for an answer (order must hold)."""
    found = session.scalar(
        select(InboundMessage.id)
        .where(
            InboundMessage.channel == channel,
            InboundMessage.user_id == user_id,
            InboundMessage.id < before_id,
            InboundMessage.status.in_(WAITING),
        )
        .limit(1)
    )
    return found is not None


def claim_due(
    *,
    session: Session,
    channel: str,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
    user_id: str | None = None,
    due_by: datetime | None = None,
    before_id: int | None = None,
) -> list[Pending]:
    """Due messages (queued until `due_by`, default `now`, or abandoned mid-way by a crashed
    process), oldest first, each leased with a compare-and-set so two processes never take
    the same one, and none ahead of an older message of the same resident."""
    query = (
        select(InboundMessage)
        .where(
            InboundMessage.channel == channel,
            or_(
                and_(
                    InboundMessage.status == InboundStatus.QUEUED,
                    InboundMessage.next_attempt_at <= (due_by or now),
                ),
                and_(
                    InboundMessage.status == InboundStatus.PROCESSING,
                    InboundMessage.next_attempt_at <= now,
                ),
            ),
        )
        .order_by(InboundMessage.id)
        .limit(limit)
        # PostgreSQL: the retry loops of several web processes take different rows instead
        # of queueing behind each other's locks; the compare-and-set below decides on SQLite.
        .with_for_update(skip_locked=True)
    )
    if user_id is not None:
        query = query.where(InboundMessage.user_id == user_id)
    if before_id is not None:
        query = query.where(InboundMessage.id < before_id)
    rows = session.scalars(query).all()
    # A resident's messages are answered in the order written: one whose older message is
    # held elsewhere (another process's lease, a row it is claiming right now) or not due
    # yet waits for a later round.
    waiting: dict[str, list[int]] = {}
    if rows:
        for older_id, older_user in session.execute(
            select(InboundMessage.id, InboundMessage.user_id).where(
                InboundMessage.channel == channel,
                InboundMessage.user_id.in_({row.user_id for row in rows}),
                InboundMessage.id < max(row.id for row in rows),
                InboundMessage.status.in_(WAITING),
            )
        ):
            waiting.setdefault(older_user, []).append(older_id)
    claimed: list[Pending] = []
    taken: set[int] = set()
    for row in rows:
        if any(i < row.id and i not in taken for i in waiting.get(row.user_id, ())):
            continue
        won = session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == row.id, InboundMessage.attempts == row.attempts)
            .values(
                status=InboundStatus.PROCESSING,
                attempts=row.attempts + 1,
                next_attempt_at=now + lease,
            )
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            taken.add(row.id)
            claimed.append(Pending(row.id, row.user_id, row.text, row.meta, row.created_at))
    return claimed


def mark_expired(*, session: Session, message_id: int) -> None:
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id)
        .values(status=InboundStatus.EXPIRED, text="", meta={})
    )


def prune(*, session: Session, before: datetime) -> int:
    """Forget answered and expired messages received before `before` (platforms stop
    redelivering long before that, so their keys are no longer needed for dedupe)."""
    result = session.execute(
        delete(InboundMessage).where(
            InboundMessage.created_at < before,
            InboundMessage.status.in_((InboundStatus.ANSWERED, InboundStatus.EXPIRED)),
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
