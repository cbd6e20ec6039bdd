"""The part every bridge shares: dedupe, rate limit, engine call, and the engine-down queue.

A bridge turns a platform update into an `Inbound` and shows the `RelayResult`; messages the
engine could not take are answered later by `drain` (the retry loop) through the `ReplySink`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.channels import inbound_queue, messages
from bot.channels.contracts import (
    Engine,
    Inbound,
    Outcome,
    RelayResult,
    RelayTiming,
    ReplySink,
)
from bot.channels.forget import Eraser, is_forget_request, record_eraser
from bot.channels.keyed_locks import KeyedLocks
from bot.channels.payloads import sender_id
from bot.channels.rate_limit import RateLimiter, Verdict
from bot.config import Settings
from bot.db.columns import utcnow
from bot.engine.client import BotMessage
from bot.engine.client import Button as EngineButton
from bot.errors import EngineUnavailable
from bot.notifications import outbox
from bot.notifications.sender import Button
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ChannelRelay:
    """One per bridge process and channel; `engine` and `sink` may be replaced (tests, start-up
    order: Telegram's sink needs the application's bot)."""

    def __init__(
        self,
        *,
        channel: str,
        engine: Engine,
        session_factory: sessionmaker[Session],
        limiter: RateLimiter,
        sink: ReplySink | None = None,
        timing: RelayTiming | None = None,
        clock: Callable[[], datetime] = utcnow,
        eraser: Eraser | None = None,
    ) -> None:
        self.channel = channel
        self._eraser = eraser
        self.engine = engine
        self.sink = sink
        self._factory = session_factory
        self._limiter = limiter
        self._timing = timing or RelayTiming()
        self._clock = clock
        self._locks = KeyedLocks()
        self._engine_down_until: datetime | None = None
        self._wake = asyncio.Event()
        # Residents told that a long outage lost their conversation's context.
        self._told_context_lost: set[str] = set()

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._factory

    async def receive(self, message: Inbound) -> RelayResult:
        """Answer a message through the engine, or say why not."""
        limited = self._rate_limited(message.user_id)
        if limited is not None:
            return limited
        if self._eraser is not None and is_forget_request(message.text):
            return await self._forget(message)
        async with self._locks.hold(message.user_id):
            now = self._clock()
            row_id = await self._tx(
                partial(
                    inbound_queue.record_received,
                    channel=self.channel,
                    user_id=message.user_id,
                    message_key=message.message_key,
                    text=message.text,
                    meta=message.metadata,
                    now=now,
                    lease=self._timing.lease,
                )
            )
            if row_id is None:
                logger.info("%s message %s seen before", self.channel, message.message_key)
                return RelayResult(Outcome.DUPLICATE)
            # Older messages of this user still wait: answer them first so replies keep order.
            waiting = await self._tx(
                partial(
                    inbound_queue.has_waiting,
                    channel=self.channel,
                    user_id=message.user_id,
                    before_id=row_id,
                )
            )
            if waiting and not await self._answer_waiting(message.user_id, before_id=row_id):
                # Their earlier message got the apology: once is enough while it lasts.
                return await self._queue(row_id, now, apologise=False)
            if self._engine_is_down(now):
                return await self._queue(row_id, now)
            try:
                reply = await self.engine.send(
                    sender_id(self.channel, message.user_id), message.text, message.metadata
                )
            except EngineUnavailable as exc:
                logger.warning("engine unavailable, %s message queued: %s", self.channel, exc)
                self._engine_down_until = now + self._timing.retry_after
                return await self._queue(row_id, now)
            self._engine_down_until = None
            await self._tx(
                partial(inbound_queue.mark_answered, message_id=row_id, now=self._clock())
            )
            return RelayResult(Outcome.ANSWERED, reply)

    async def answer_locally(self, message: Inbound, reply: list[BotMessage]) -> RelayResult:
        """A message the bridge answers itself (/start, a sticker): deduped and rate limited
        like the others, never sent to the engine."""
        limited = self._rate_limited(message.user_id)
        if limited is not None:
            return limited
        row_id = await self._tx(partial(self._record_answered, message=message, now=self._clock()))
        if row_id is None:
            return RelayResult(Outcome.DUPLICATE)
        return RelayResult(Outcome.ANSWERED, reply)

    async def _forget(self, message: Inbound) -> RelayResult:
        """Delete the resident's conversation record; under the user's lock, so no turn of
        theirs is in flight (the engine would store its events again)."""
        assert self._eraser is not None
        async with self._locks.hold(message.user_id):
            row_id = await self._tx(
                partial(self._record_answered, message=message, now=self._clock())
            )
            if row_id is None:
                return RelayResult(Outcome.DUPLICATE)
            deleted = await asyncio.to_thread(
                self._eraser, sender_id(self.channel, message.user_id)
            )
        logger.info(
            "%s %s: conversation record deleted (%d events)",
            self.channel,
            pseudonym(message.user_id),
            deleted,
        )
        return RelayResult(Outcome.ANSWERED, [BotMessage(messages.FORGOTTEN)])

    async def drain(self) -> int:
        """Answer due queued messages, oldest first; stop at the first engine failure.
        Returns how many were answered."""
        now = self._clock()
        claimed = await self._tx(
            partial(
                inbound_queue.claim_due,
                channel=self.channel,
                now=now,
                lease=self._timing.lease,
            )
        )
        answered = 0
        for index, pending in enumerate(claimed):
            async with self._locks.hold(pending.user_id):
                ok = await self._answer(pending)
            if not ok:
                for rest in claimed[index + 1 :]:
                    await self._tx(partial(self._requeue, pending=rest, now=now))
                break
            answered += 1
        return answered

    async def run_retry_loop(self, *, stop: asyncio.Event, interval_s: float) -> None:
        """Drain every `interval_s` seconds (sooner when woken) until `stop` is set."""
        pruned_at: datetime | None = None
        while not stop.is_set():
            try:
                await self.drain()
                now = self._clock()
                if pruned_at is None or now - pruned_at > timedelta(hours=1):
                    before = now - self._timing.keep_for
                    await self._tx(partial(inbound_queue.prune, before=before))
                    pruned_at = now
            except Exception:  # the database may be restarting: keep the loop alive
                logger.exception("%s inbound retry round failed", self.channel)
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
        self._engine_down_until = None
        self._wake.set()

    # --- internals ---------------------------------------------------------------------
    def _rate_limited(self, user_id: str) -> RelayResult | None:
        verdict = self._limiter.check(user_id)
        if verdict is Verdict.ALLOW:
            return None
        logger.info("%s %s is over the rate limit", self.channel, pseudonym(user_id))
        if verdict is Verdict.REFUSE:
            return RelayResult(Outcome.REFUSED, [BotMessage(messages.RATE_LIMITED)])
        return RelayResult(Outcome.IGNORED)

    def _record_answered(self, session: Session, *, message: Inbound, now: datetime) -> int | None:
        row_id = inbound_queue.record_received(
            session=session,
            channel=self.channel,
            user_id=message.user_id,
            message_key=message.message_key,
            text="",
            meta={},
            now=now,
            lease=self._timing.lease,
        )
        if row_id is not None:
            inbound_queue.mark_answered(session=session, message_id=row_id, now=now)
        return row_id

    async def _answer_waiting(self, user_id: str, *, before_id: int) -> bool:
        """Answer the user's queued messages older than `before_id` (lock already held);
        False when the engine is still down."""
        now = self._clock()
        if self._engine_is_down(now):
            return False
        claimed = await self._tx(
            partial(
                inbound_queue.claim_due,
                channel=self.channel,
                now=now,
                lease=self._timing.lease,
                user_id=user_id,
                due_by=now + self._timing.max_age,  # waiting for its turn, not for a time
                before_id=before_id,
            )
        )
        for index, pending in enumerate(claimed):
            if not await self._answer(pending):
                for rest in claimed[index + 1 :]:
                    await self._tx(partial(self._requeue, pending=rest, now=now))
                return False
        return True

    async def _answer(self, pending: inbound_queue.Pending) -> bool:
        now = self._clock()
        if pending.created_at < now - self._timing.max_age:
            logger.warning("%s message %s expired unanswered", self.channel, pending.id)
            await self._tx(partial(inbound_queue.mark_expired, message_id=pending.id))
            return True
        if pending.created_at < now - self._timing.context_ttl:
            # The engine has started a new session by now: the message would be read without
            # what the resident was doing (a phone number taken for goodbye). Say so, once.
            reply = self._context_lost(pending.user_id)
        else:
            try:
                reply = await self.engine.send(
                    sender_id(self.channel, pending.user_id), pending.text, pending.meta
                )
            except EngineUnavailable:
                self._engine_down_until = now + self._timing.retry_after
                await self._tx(partial(self._requeue, pending=pending, now=now))
                return False
            self._engine_down_until = None
            self._told_context_lost.discard(pending.user_id)
        undelivered: Sequence[BotMessage] = ()
        try:
            if self.sink is None:
                raise RuntimeError(f"no reply sink for channel {self.channel}")
            if reply:  # nothing to push for a silent engine or a notice already given
                await self.sink.deliver(pending.user_id, reply)
        except Exception as exc:  # the platform is down: the outbox retries with backoff
            logger.warning(
                "late answer to %s %s goes to the outbox: %s",
                self.channel,
                pseudonym(pending.user_id),
                type(exc).__name__,
            )
            undelivered = reply
        await self._tx(
            partial(self._finish, pending=pending, undelivered=undelivered, now=self._clock())
        )
        return True

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

    async def _queue(self, row_id: int, now: datetime, *, apologise: bool = True) -> RelayResult:
        retry_at = now + self._timing.retry_after
        await self._tx(partial(inbound_queue.mark_queued, message_id=row_id, retry_at=retry_at))
        reply = [BotMessage(messages.ENGINE_DOWN_QUEUED)] if apologise else []
        return RelayResult(Outcome.QUEUED, reply)

    def _engine_is_down(self, now: datetime) -> bool:
        # After a failure the engine counts as down until the next retry: residents get the
        # "queued" answer at once instead of waiting for another connect timeout each.
        return self._engine_down_until is not None and now < self._engine_down_until

    def _requeue(self, session: Session, *, pending: inbound_queue.Pending, now: datetime) -> None:
        retry_at = now + self._timing.retry_after
        inbound_queue.mark_queued(session=session, message_id=pending.id, retry_at=retry_at)

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
            channel=self.channel,
            user_id=pending.user_id,
            reply=undelivered,
            now=now,
        )
        inbound_queue.mark_answered(session=session, message_id=pending.id, now=now)

    def reply_to_outbox(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        """Queue an answer the platform would not take now; the outbox retries it (blocking:
        call through `asyncio.to_thread`)."""
        with self._factory.begin() as session:
            enqueue_reply(
                session=session,
                channel=self.channel,
                user_id=user_id,
                reply=reply,
                now=self._clock(),
            )

    async def _tx(self, work: Callable[..., T]) -> T:
        return await asyncio.to_thread(self._run, work)

    def _run(self, work: Callable[..., T]) -> T:
        with self._factory.begin() as session:
            return work(session=session)


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


def make_relay(
    settings: Settings, *, channel: str, engine: Engine, session_factory: sessionmaker[Session]
) -> ChannelRelay:
    """The relay of one bridge, with the rate limit and retry timing of the settings."""
    return ChannelRelay(
        channel=channel,
        engine=engine,
        session_factory=session_factory,
        limiter=RateLimiter(
            limit=settings.rate_limit_messages, window_s=settings.rate_limit_window_s
        ),
        timing=RelayTiming(retry_after=timedelta(seconds=settings.inbound_retry_s)),
        eraser=record_eraser(settings),
    )
