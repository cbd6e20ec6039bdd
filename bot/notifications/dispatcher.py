"""Delivers queued outbox messages through the channel senders, retrying with backoff.

Delivery is at-least-once: a message is claimed (attempts + 1 and a lease on
`next_attempt_at`) in one short committed transaction, sent with no transaction open, and its
outcome recorded in another. Several web processes may run this loop on one database: on
PostgreSQL `FOR UPDATE SKIP LOCKED` splits the due rows between them, and the compare-and-set
on `attempts` makes a claim exclusive on any backend. A process that dies mid-send leaves the
lease to expire, and another process sends the message; only a death between the platform
accepting a message and the outcome being recorded can repeat one. A claim is never used
after half its lease: the rest of a batch that took that long is released for the next round
instead of being sent while another process may already have taken it. A bridge that is down
only pushes `next_attempt_at` further out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.columns import utcnow
from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.notifications.sender import Button, OutboundSender
from bot.privacy import mask_phones_in_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 10  # about 5 hours of retries before a message is marked failed
    lease: timedelta = timedelta(minutes=2)  # longer than any send may take

    def delay_after(self, attempts: int) -> timedelta:
        return min(self.first_delay * (1 << min(max(attempts - 1, 0), 30)), self.max_delay)


DEFAULT_POLICY = RetryPolicy()


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0  # failed this time, will be tried again
    failed: int = 0  # failed for the last time
    claimed: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: str
    user_id: str
    text: str
    buttons: tuple[Button, ...]
    attempts: int


async def deliver_pending(
    *,
    session_factory: sessionmaker[Session],
    senders: Mapping[str, OutboundSender],
    now: datetime | None = None,
    limit: int = 100,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> DeliveryStats:
    """Send every due message of a channel that has a sender; messages of others stay queued."""
    now = now or utcnow()
    stats = DeliveryStats()
    if not senders:
        return stats
    claimed_at = time.monotonic()
    claimed = await asyncio.to_thread(
        _claim, session_factory, sorted(senders), now, limit, policy.lease
    )
    stats.claimed = len(claimed)
    for index, message in enumerate(claimed):
        if time.monotonic() - claimed_at > policy.lease.total_seconds() / 2:
            rest = claimed[index:]
            await asyncio.to_thread(_release, session_factory, rest, now)
            logger.warning("outbox round ran long; %d messages left for the next one", len(rest))
            break
        error: str | None = None
        try:
            await senders[message.channel].send(
                channel=message.channel,
                user_id=message.user_id,
                text=message.text,
                buttons=message.buttons,
            )
        except Exception as exc:  # any failure of a bridge means "try again later"
            error = mask_phones_in_text(f"{type(exc).__name__}: {exc}")[:500]
        outcome = await asyncio.to_thread(_record, session_factory, message, error, now, policy)
        if outcome is OutboxStatus.SENT:
            stats.sent += 1
        elif outcome is OutboxStatus.FAILED:
            stats.failed += 1
            logger.error(
                "outbox message %s gave up after %s attempts: %s",
                message.id,
                message.attempts,
                error,
            )
        else:
            stats.retried += 1
            logger.warning(
                "outbox message %s to %s failed (attempt %s): %s",
                message.id,
                message.channel,
                message.attempts,
                error,
            )
    return stats


def _claim(
    factory: sessionmaker[Session],
    channels: list[str],
    now: datetime,
    limit: int,
    lease: timedelta,
) -> list[_Claimed]:
    with factory.begin() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.channel.in_(channels),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL: parallel dispatchers split work
        ).all()
        claimed: list[_Claimed] = []
        for row in rows:
            # Compare-and-set on `attempts`: on SQLite (no row locks) a second dispatcher that
            # read the same row loses here instead of sending it twice.
            won = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.attempts == row.attempts)
                .values(attempts=row.attempts + 1, next_attempt_at=now + lease)
                .execution_options(synchronize_session=False)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(
                    _Claimed(
                        row.id,
                        row.channel,
                        row.user_id,
                        row.text,
                        tuple(Button.from_json(b) for b in row.buttons or []),
                        row.attempts + 1,
                    )
                )
        return claimed


def _release(factory: sessionmaker[Session], messages: list[_Claimed], now: datetime) -> None:
    """Give claims back untried (attempts as before, due now); a claim another process has
    taken since (its lease expired) is left alone."""
    with factory.begin() as session:
        for message in messages:
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message.id,
                    OutboxMessage.attempts == message.attempts,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .values(attempts=message.attempts - 1, next_attempt_at=now)
                .execution_options(synchronize_session=False)
            )


def _record(
    factory: sessionmaker[Session],
    message: _Claimed,
    error: str | None,
    now: datetime,
    policy: RetryPolicy,
) -> OutboxStatus:
    with factory.begin() as session:
        row = session.get(OutboxMessage, message.id)
        if row is None:
            return OutboxStatus.FAILED
        if error is None:
            row.status = OutboxStatus.SENT
            row.sent_at = now
            row.last_error = None
        elif message.attempts >= policy.max_attempts:
            row.status = OutboxStatus.FAILED
            row.last_error = error
        else:
            row.last_error = error
            row.next_attempt_at = now + policy.delay_after(message.attempts)
        return row.status


async def run_dispatcher(
    *,
    session_factory: sessionmaker[Session],
    senders: Mapping[str, OutboundSender],
    stop: asyncio.Event,
    interval_s: float = 5.0,
) -> None:
    """Deliver every `interval_s` seconds until `stop` is set (the `serve` background task)."""
    while not stop.is_set():
        try:
            await deliver_pending(session_factory=session_factory, senders=senders)
        except Exception:  # the database may be restarting: log and keep the loop alive
            logger.exception("outbox delivery round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
