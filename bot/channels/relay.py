"""The part every bridge shares: rate limit, dedupe, engine call, "forget me", and the
engine-down queue.

A bridge turns a platform update into an `Inbound` and shows the `RelayResult`; messages the
engine could not take are answered later (`bot.channels.replay`) through the bridge's
`ReplySink`, given at construction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.channels import inbound_queue
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
from bot.channels.replay import Outage, Replayer, enqueue_reply
from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.session import in_transaction
from bot.engine.client import BotMessage
from bot.errors import EngineUnavailable
from bot.privacy import pseudonym
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ChannelRelay:
    """One per bridge process and channel, complete when built. `sink` pushes late answers
    to the platform; None sends them to the outbox (a bridge without a push API)."""

    def __init__(
        self,
        *,
        channel: str,
        engine: Engine,
        session_factory: sessionmaker[Session],
        limiter: RateLimiter,
        sink: ReplySink | None,
        timing: RelayTiming | None = None,
        clock: Callable[[], datetime] = utcnow,
        eraser: Eraser | None = None,
    ) -> None:
        self.channel = channel
        self._engine = engine
        self._factory = session_factory
        self._limiter = limiter
        self._timing = timing or RelayTiming()
        self._clock = clock
        self._eraser = eraser
        self._locks = KeyedLocks()
        self._outage = Outage(self._timing.retry_after)
        self._replay = Replayer(
            channel=channel,
            engine=engine,
            sink=sink,
            session_factory=session_factory,
            timing=self._timing,
            clock=clock,
            locks=self._locks,
            outage=self._outage,
        )

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
            if waiting and not await self._replay.answer_waiting(message.user_id, before_id=row_id):
                # Their earlier message got the apology: once is enough while it lasts.
                return await self._queue(row_id, now, apologise=False)
            if waiting and not await self._older_answered(message.user_id, row_id):
                # Another web process is answering the older ones (its lease stopped us
                # from taking them): this one waits its turn in the queue, in order.
                return await self._queue(row_id, now, apologise=False)
            if self._outage.is_on(now):
                return await self._queue(row_id, now)
            try:
                reply = await self._engine.send(
                    sender_id(self.channel, message.user_id), message.text, message.metadata
                )
            except EngineUnavailable as exc:
                logger.warning("engine unavailable, %s message queued: %s", self.channel, exc)
                self._outage.began(now)
                return await self._queue(row_id, now)
            self._outage.ended()
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
        """Answer due queued messages now (the retry loop's round); how many were answered."""
        return await self._replay.drain()

    async def run_retry_loop(self, *, stop: asyncio.Event, interval_s: float) -> None:
        """Answer queued messages every `interval_s` seconds until `stop` is set."""
        await self._replay.run_retry_loop(stop=stop, interval_s=interval_s)

    def wake(self) -> None:
        """Run the next retry round now (tests; a bridge that learns the engine is back)."""
        self._replay.wake()

    # --- internals ---------------------------------------------------------------------
    async def _older_answered(self, user_id: str, row_id: int) -> bool:
        """Wait a moment for older messages of this user that another process holds."""
        deadline = time.monotonic() + self._timing.order_wait.total_seconds()
        while await self._tx(
            partial(
                inbound_queue.has_waiting, channel=self.channel, user_id=user_id, before_id=row_id
            )
        ):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True

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

    async def _queue(self, row_id: int, now: datetime, *, apologise: bool = True) -> RelayResult:
        retry_at = now + self._timing.retry_after
        await self._tx(partial(inbound_queue.mark_queued, message_id=row_id, retry_at=retry_at))
        reply = [BotMessage(messages.ENGINE_DOWN_QUEUED)] if apologise else []
        return RelayResult(Outcome.QUEUED, reply)

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
        return await in_transaction(self._factory, work)


def make_relay(
    settings: Settings,
    *,
    channel: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    sink: ReplySink | None,
) -> ChannelRelay:
    """The relay of one bridge, with the rate limit and retry timing of the settings."""
    return ChannelRelay(
        channel=channel,
        engine=engine,
        session_factory=session_factory,
        sink=sink,
        limiter=RateLimiter(
            limit=settings.rate_limit_messages, window_s=settings.rate_limit_window_s
        ),
        timing=RelayTiming(retry_after=timedelta(seconds=settings.inbound_retry_s)),
        eraser=record_eraser(settings),
    )
