"""Answering what was queued while the engine was down: in order per resident, through the
bridge's reply sink, and never into a session that has lost the resident's context.

`Replayer` owns the one claim → answer → requeue loop, used both by the retry loop (`drain`)
and by the relay when a resident writes again while older messages of theirs still wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from bot.channels import inbound_queue
from bot.channels.contracts import Engine, RelayTiming, ReplySink
from bot.channels.keyed_locks import KeyedLocks
from bot.channels.payloads import sender_id
from bot.db.session import in_transaction
from bot.engine.client import BotMessage
from bot.engine.client import Button as EngineButton
from bot.errors import EngineUnavailable
from bot.notifications import outbox
from bot.notifications.sender import Button
from bot.privacy import pseudonym
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)


class Outage:
    """Whether the engine counts as down. After a failure it does until the next retry, so
    residents get the "queued" answer at once instead of waiting for another connect timeout
    each; any answer from the engine ends the outage."""

    def __init__(self, retry_after: timedelta) -> None:
        self._retry_after = retry_after
        self._until: datetime | None = None

    def is_on(self, now: datetime) -> bool:
        return self._until is not None and now < self._until

    def began(self, now: datetime) -> None:
        self._until = now + self._retry_after

    def ended(self) -> None:
        self._until = None


class Replayer:
    """One per relay; shares the relay's per-resident locks and outage."""

    def __init__(
        self,
        *,
        channel: str,
        engine: Engine,
        sink: ReplySink | None,
        session_factory: sessionmaker[Session],
        timing: RelayTiming,
        clock: Callable[[], datetime],
        locks: KeyedLocks,
        outage: Outage,
    ) -> None:
        self._channel = channel
        self._engine = engine
        self._sink = sink
        self._factory = session_factory
        self._timing = timing
        self._clock = clock
        self._locks = locks
        self._outage = outage
        self._wake = asyncio.Event()
        # Residents told that a long outage lost their conversation's context.
        self._told_context_lost: set[str] = set()

    async def drain(self) -> int:
        """Answer due queued messages, oldest first; stop at the first engine failure.
        Returns how many were answered."""
        now = self._clock()
        started = time.monotonic()
        claimed = await self._claim(now)
        return await self._replay(claimed, now=now, locked=False, started=started)

    async def answer_waiting(self, user_id: str, *, before_id: int) -> bool:
        """Answer the user's queued messages older than `before_id` (the caller holds the
        user's lock); False when the engine is still down."""
        now = self._clock()
        if self._outage.is_on(now):
            return False
        started = time.monotonic()
        claimed = await self._claim(
            now,
            user_id=user_id,
            due_by=now + self._timing.max_age,  # waiting for its turn, not for a time
            before_id=before_id,
        )
        answered = await self._replay(claimed, now=now, locked=True, started=started)
        return answered == len(claimed)

    async def run_retry_loop(self, *, stop: asyncio.Event, interval_s: float) -> None:
        """Drain every `interval_s` seconds (sooner when woken) until `stop` is set."""
        pruned_at: datetime | None = None
        while not stop.is_set():
            try:
                await self.drain()
                now = self._clock()
                if pruned_at is None or now - pruned_at > timedelta(hours=1):
                    before = now - self._timing.keep_for
                    await in_transaction(self._factory, partial(inbound_queue.prune, before=before))
                    pruned_at = now
            except Exception:  # the database may be restarting: keep the loop alive
                logger.exception("%s inbound retry round failed", self._channel)
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), interval_s
                )
            for waiter in waiters:
                waiter.cancel()

    def wake(self) -> None:
        """Run the next retry round now (tests; a bridge that learns the engine is back)."""
        self._outage.ended()
        self._wake.set()

    async def _claim(
        self,
        now: datetime,
        *,
        user_id: str | None = None,
        due_by: datetime | None = None,
        before_id: int | None = None,
    ) -> list[inbound_queue.Pending]:
        return await in_transaction(
            self._factory,
            partial(
                inbound_queue.claim_due,
                channel=self._channel,
                now=now,
                lease=self._timing.lease,
                user_id=user_id,
                due_by=due_by,
                before_id=before_id,
            ),
        )

    async def _replay(
        self,
        claimed: Sequence[inbound_queue.Pending],
        *,
        now: datetime,
        locked: bool,
        started: float,
    ) -> int:
        """Answer `claimed` in order, each under its resident's lock unless the caller holds
        it; at the first engine failure the rest go back to the queue, and so do those left
        when half the lease has gone (another process may take them once it expires).
        Returns how many were answered."""
        half_lease = self._timing.lease.total_seconds() / 2
        for index, pending in enumerate(claimed):
            if time.monotonic() - started > half_lease:
                rest = claimed[index:]
                await in_transaction(self._factory, partial(self._requeue, pending=rest, now=now))
                return index
            hold = contextlib.nullcontext() if locked else self._locks.hold(pending.user_id)
            async with hold:
                ok = await self._answer(pending)
            if not ok:
                rest = claimed[index + 1 :]
                await in_transaction(self._factory, partial(self._requeue, pending=rest, now=now))
                return index
        return len(claimed)

    async def _answer(self, pending: inbound_queue.Pending) -> bool:
        """Answer one queued message (or let it expire); False if the engine is down, and the
        message is queued again."""
        now = self._clock()
        if pending.created_at < now - self._timing.max_age:
            logger.warning("%s message %s expired unanswered", self._channel, pending.id)
            await in_transaction(
                self._factory, partial(inbound_queue.mark_expired, message_id=pending.id)
            )
            return True
        if pending.created_at < now - self._timing.context_ttl:
            # The engine has started a new session by now: the message would be read without
            # what the resident was doing (a phone number taken for goodbye). Say so, once.
            reply = self._context_lost(pending.user_id)
        else:
            try:
                reply = await self._engine.send(
                    sender_id(self._channel, pending.user_id), pending.text, pending.meta
                )
            except EngineUnavailable:
                self._outage.began(now)
                await in_transaction(
                    self._factory, partial(self._requeue, pending=[pending], now=now)
                )
                return False
            self._outage.ended()
            self._told_context_lost.discard(pending.user_id)
        undelivered = await self._deliver(pending.user_id, reply)
        await in_transaction(
            self._factory,
            partial(self._finish, pending=pending, undelivered=undelivered, now=self._clock()),
        )
        return True

    async def _deliver(self, user_id: str, reply: Sequence[BotMessage]) -> Sequence[BotMessage]:
        """Push `reply` through the sink; what could not be pushed (for the outbox)."""
        try:
            if self._sink is None:
                raise RuntimeError(f"no reply sink for channel {self._channel}")
            if reply:  # nothing to push for a silent engine or a notice already given
                await self._sink.deliver(user_id, reply)
        except Exception as exc:  # the platform is down: the outbox retries with backoff
            logger.warning(
                "late answer to %s %s goes to the outbox: %s",
                self._channel,
                pseudonym(user_id),
                type(exc).__name__,
            )
            return reply
        return ()

    def _context_lost(self, user_id: str) -> list[BotMessage]:
        if user_id in self._told_context_lost:
            return []
        self._told_context_lost.add(user_id)
        return [
            BotMessage(
                messages.CONTEXT_LOST,
                [EngineButton(title, payload) for title, payload in messages.START_AGAIN_CHOICES],
            )
        ]

    def _requeue(
        self, session: Session, *, pending: Sequence[inbound_queue.Pending], now: datetime
    ) -> None:
        retry_at = now + self._timing.retry_after
        for message in pending:
            inbound_queue.mark_queued(session=session, message_id=message.id, retry_at=retry_at)

    def _finish(
        self,
        session: Session,
        *,
        pending: inbound_queue.Pending,
        undelivered: Sequence[BotMessage],
        now: datetime,
    ) -> None:
        enqueue_reply(
            session=session,
            channel=self._channel,
            user_id=pending.user_id,
            reply=undelivered,
            now=now,
        )
        inbound_queue.mark_answered(session=session, message_id=pending.id, now=now)


def enqueue_reply(
    *, session: Session, channel: str, user_id: str, reply: Sequence[BotMessage], now: datetime
) -> None:
    """An engine answer as outbox messages, one per message with text."""
    for message in reply:
        if message.text:
            outbox.enqueue(
                session=session,
                channel=channel,
                user_id=user_id,
                text=message.text,
                buttons=[Button(b.title, b.payload) for b in message.buttons],
                kind="reply",
                now=now,
            )
