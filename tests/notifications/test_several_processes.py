"""The web service's background work run by several processes on one PostgreSQL database
(`jiamenkou up --web-replicas`, several machines): each outbox message, queued inbound message
and due handoff is handled exactly once, and a process that dies holding a claim loses
nothing. Each worker has its own connection pool and event loop, as a process would."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import inbound_queue
from bot.channels.contracts import Inbound, Outcome, RelayTiming
from bot.channels.rate_limit import RateLimiter
from bot.channels.relay import ChannelRelay
from bot.db.handoffs import Handoff, HandoffState
from bot.db.inbound import InboundMessage, InboundStatus
from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.db.session import make_engine, make_session_factory
from bot.db.tickets import Ticket
from bot.engine.client import BotMessage
from bot.handoff import service
from bot.handoff.desk import HandoffDesk
from bot.notifications.dispatcher import DEFAULT_POLICY, _claim, deliver_pending
from bot.notifications.outbox import enqueue
from bot.notifications.sender import Button
from tests.helpers.database import POSTGRES_URL
from tests.helpers.fake_engine import FakeEngine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_POSTGRES_URL"),
    pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True),
]

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
WORKERS = 3


def own_pool(db_engine: Engine) -> sessionmaker[Session]:
    """Another process's view of the same database (same schema, separate connections)."""
    return make_session_factory(make_engine(db_engine.url.render_as_string(hide_password=False)))


def in_workers(work: Callable[[int], None], count: int = WORKERS) -> None:
    """Run `work(i)` in `count` threads at once; re-raise the first failure."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]


class SlowSender:
    """A bridge that takes a moment per message, so the dispatchers' rounds overlap."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    async def send(
        self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
    ) -> None:
        await asyncio.sleep(random.uniform(0.001, 0.01))
        with self._lock:
            self.sent.append(text)


def test_outbox_dispatchers_in_parallel_send_each_message_once(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        for i in range(60):
            enqueue(session=session, channel="wechat", user_id=f"o{i}", text=f"m{i}", now=NOW)
    sender = SlowSender()

    def dispatcher(_i: int) -> None:
        pool = own_pool(db_engine)
        # Small batches: many rounds, so the workers really compete for the same rows.
        while asyncio.run(
            deliver_pending(session_factory=pool, senders={"wechat": sender}, now=NOW, limit=5)
        ).claimed:
            pass

    in_workers(dispatcher)
    assert Counter(sender.sent) == Counter(f"m{i}" for i in range(60))
    with factory() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


def test_an_outbox_message_claimed_by_a_process_that_died_is_still_sent(
    db_engine: Engine,
) -> None:
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        enqueue(session=session, channel="wechat", user_id="oDead", text="dead", now=NOW)
        enqueue(session=session, channel="wechat", user_id="oLive", text="live", now=NOW)
    # A dispatcher claims the first message (committed lease) and dies before sending it.
    [taken] = _claim(own_pool(db_engine), ["wechat"], NOW, 1, DEFAULT_POLICY.lease)
    assert taken.text == "dead"
    sender = SlowSender()

    def deliver(at: datetime) -> int:
        stats = asyncio.run(
            deliver_pending(session_factory=factory, senders={"wechat": sender}, now=at)
        )
        return stats.sent

    assert deliver(NOW + timedelta(seconds=5)) == 1  # the live one; the lease still holds
    assert sender.sent == ["live"]
    assert deliver(NOW + DEFAULT_POLICY.lease + timedelta(seconds=1)) == 1
    assert sender.sent == ["live", "dead"]
    assert deliver(NOW + timedelta(hours=1)) == 0  # and never again


def queue_inbound(factory: sessionmaker[Session], users: int, each: int) -> None:
    with factory.begin() as session:
        for n in range(each):
            for u in range(users):
                message_id = inbound_queue.record_received(
                    session=session, channel="wechat", user_id=f"o{u}",
                    message_key=f"k{u}-{n}", text=f"o{u}-{n}", meta={}, now=NOW,
                    lease=timedelta(minutes=2),
                )  # fmt: skip
                assert message_id is not None
                inbound_queue.mark_queued(session=session, message_id=message_id, retry_at=NOW)


class Sink:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    async def deliver(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        with self._lock:
            self.delivered.extend((user_id, m.text) for m in reply)


def relay(
    pool: sessionmaker[Session], engine: FakeEngine, sink: Sink, at: datetime
) -> ChannelRelay:
    return ChannelRelay(
        channel="wechat",
        engine=engine,
        session_factory=pool,
        limiter=RateLimiter(limit=1000, window_s=60),
        sink=sink,
        timing=RelayTiming(retry_after=timedelta(seconds=1)),
        clock=lambda: at,
    )


def test_inbound_retry_loops_in_parallel_answer_each_message_once_in_order(
    db_engine: Engine,
) -> None:
    factory = make_session_factory(db_engine)
    queue_inbound(factory, users=8, each=4)
    heard: list[str] = []
    lock = threading.Lock()
    at = NOW + timedelta(seconds=1)

    def retry_loop(_i: int) -> None:
        # The retry loop's claim → answer → record, in small batches so the workers compete.
        pool = own_pool(db_engine)
        while True:
            with pool.begin() as session:
                batch = inbound_queue.claim_due(
                    session=session, channel="wechat", now=at, lease=timedelta(minutes=2), limit=3
                )
            if not batch:
                with pool() as session:
                    left = session.scalar(
                        select(func.count()).where(InboundMessage.status != InboundStatus.ANSWERED)
                    )
                if not left:
                    return
                time.sleep(0.005)
                continue
            for pending in batch:
                with lock:
                    heard.append(pending.text)
                time.sleep(random.uniform(0.001, 0.005))  # the engine's turn
                with pool.begin() as session:
                    inbound_queue.mark_answered(session=session, message_id=pending.id, now=at)

    in_workers(retry_loop)
    expected = [f"o{u}-{n}" for n in range(4) for u in range(8)]
    assert Counter(heard) == Counter(expected)  # each message reached the engine once
    for u in range(8):  # and each resident's in the order they were written
        mine = [text for text in heard if text.startswith(f"o{u}-")]
        assert mine == [f"o{u}-{n}" for n in range(4)]


def test_a_relay_retry_loop_answers_what_was_queued(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue_inbound(factory, users=3, each=2)
    engine, sink = FakeEngine(), Sink()
    assert asyncio.run(relay(factory, engine, sink, NOW + timedelta(seconds=1)).drain()) == 6
    assert len(sink.delivered) == 6


def test_an_inbound_message_claimed_by_a_process_that_died_is_answered(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue_inbound(factory, users=1, each=2)
    with own_pool(db_engine).begin() as session:  # claimed, then the process died
        taken = inbound_queue.claim_due(
            session=session, channel="wechat", now=NOW, lease=timedelta(minutes=2), limit=1
        )
    assert [p.text for p in taken] == ["o0-0"]
    engine, sink = FakeEngine(), Sink()
    # While the lease holds nobody answers the resident's later message ahead of it …
    assert asyncio.run(relay(factory, engine, sink, NOW + timedelta(seconds=5)).drain()) == 0
    # … once it has expired, both are answered, in order.
    later = NOW + timedelta(minutes=2, seconds=1)
    assert asyncio.run(relay(factory, engine, sink, later).drain()) == 2
    assert [text for _s, text, _m in engine.calls] == ["o0-0", "o0-1"]


class Control:
    def __init__(self) -> None:
        self.resumed: list[str] = []

    def pause(self, sender_id: str) -> None:
        pass

    def resume(self, sender_id: str) -> None:
        self.resumed.append(sender_id)

    def note_staff_reply(self, sender_id: str, text: str, by: str) -> None:
        pass


def ask_many(factory: sessionmaker[Session], count: int) -> None:
    with factory.begin() as session:
        for i in range(count):
            service.request(
                session, conversation_id=f"c{i:015d}", sender_id=f"wechat:o{i}",
                channel="wechat", user_id=f"o{i}", now=NOW, in_staff_hours=True,
                escalate_at=NOW + timedelta(minutes=10), paused=True, question="有人吗",
            )  # fmt: skip


def test_handoff_escalation_in_parallel_makes_one_ticket_each(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    ask_many(factory, 30)
    later = NOW + timedelta(minutes=11)
    numbers: list[str] = []

    def escalation_loop(_i: int) -> None:
        desk = HandoffDesk(
            session_factory=own_pool(db_engine), control=Control(), clock=lambda: later
        )
        while round_numbers := desk.escalate_due():
            numbers.extend(round_numbers)

    in_workers(escalation_loop)
    with factory() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket))
        notices = session.scalar(
            select(func.count()).where(OutboxMessage.kind == "handoff_escalated")
        )
        states = set(session.scalars(select(Handoff.state)))
    assert len(numbers) == len(set(numbers)) == tickets == notices == 30
    assert states == {HandoffState.ESCALATED}


def test_a_handoff_held_by_a_process_that_died_is_escalated_by_another(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    ask_many(factory, 3)
    later = NOW + timedelta(minutes=11)
    desk = HandoffDesk(session_factory=factory, control=Control(), clock=lambda: later)
    dying = own_pool(db_engine)()
    with dying.begin():
        held = service.due_for_escalation(dying, now=later, limit=1)
        assert len(held) == 1
        # While that process holds its row the others take the rest, never the same one …
        assert len(desk.escalate_due()) == 2
        # … and when it dies mid-escalation its transaction is rolled back, the lock freed.
        dying.connection().invalidate()
        dying.rollback()
    dying.close()
    assert len(desk.escalate_due()) == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 3


def test_a_new_message_waits_behind_an_older_one_another_process_holds(
    db_engine: Engine,
) -> None:
    factory = make_session_factory(db_engine)
    queue_inbound(factory, users=1, each=1)
    with own_pool(db_engine).begin() as session:  # process A is answering o0-0 right now
        [held] = inbound_queue.claim_due(
            session=session, channel="wechat", now=NOW, lease=timedelta(minutes=2)
        )
    engine, sink = FakeEngine(), Sink()
    at = NOW + timedelta(seconds=1)
    other = ChannelRelay(
        channel="wechat", engine=engine, session_factory=factory,
        limiter=RateLimiter(limit=1000, window_s=60), sink=sink,
        timing=RelayTiming(order_wait=timedelta(milliseconds=300)), clock=lambda: at,
    )  # fmt: skip
    result = asyncio.run(other.receive(Inbound(user_id="o0", message_key="k0-1", text="o0-1")))
    # Process B does not answer it ahead of o0-0: it joins the queue, without an apology.
    assert result.outcome is Outcome.QUEUED and result.reply == []
    assert engine.calls == []
    with factory.begin() as session:  # A finishes o0-0
        inbound_queue.mark_answered(session=session, message_id=held.id, now=at)
    later = NOW + timedelta(seconds=30)
    assert asyncio.run(relay(factory, engine, sink, later).drain()) == 1
    assert [text for _s, text, _m in engine.calls] == ["o0-1"]
