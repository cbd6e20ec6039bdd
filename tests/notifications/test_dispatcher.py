"""Delivery with exponential backoff: a bridge that is down loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.db.session import make_session_factory
from bot.notifications.dispatcher import RetryPolicy, deliver_pending
from bot.notifications.outbox import enqueue
from bot.notifications.sender import Button
from tests.tickets.builders import NOW, RecordingSender


def queue(factory: sessionmaker[Session], count: int = 1, channel: str = "telegram") -> None:
    with factory.begin() as session:
        for i in range(count):
            enqueue(session=session, channel=channel, user_id=f"u{i}", text=f"消息{i} 13812345678",
                    now=NOW, buttons=[Button("好", "/ok")])  # fmt: skip


def rows(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def deliver(factory: sessionmaker[Session], sender: RecordingSender, at: timedelta, **kw: object):  # type: ignore[no-untyped-def]
    return asyncio.run(
        deliver_pending(session_factory=factory, senders={"telegram": sender}, now=NOW + at, **kw)  # type: ignore[arg-type]
    )


def test_sends_text_and_buttons_and_marks_sent(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory)
    sender = RecordingSender()
    stats = deliver(factory, sender, timedelta(0))
    assert (stats.sent, stats.retried, stats.failed) == (1, 0, 0)
    assert sender.sent == [("telegram", "u0", "消息0 13812345678", (Button("好", "/ok"),))]
    [row] = rows(factory)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 1, NOW)
    assert deliver(factory, sender, timedelta(hours=1)).claimed == 0  # never sent twice


def test_sender_that_fails_then_recovers(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory)
    sender = RecordingSender(failures=2)
    first = deliver(factory, sender, timedelta(0))
    assert (first.sent, first.retried) == (0, 1)
    [row] = rows(factory)
    assert row.status is OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    assert row.last_error == "ConnectionError: bridge down"
    assert deliver(factory, sender, timedelta(seconds=10)).claimed == 0  # backing off
    second = deliver(factory, sender, timedelta(seconds=30))
    assert second.retried == 1
    assert rows(factory)[0].next_attempt_at == NOW + timedelta(seconds=30 + 60)  # doubled
    third = deliver(factory, sender, timedelta(seconds=90))
    assert third.sent == 1 and len(sender.sent) == 1 and sender.calls == 3
    assert rows(factory)[0].status is OutboxStatus.SENT


def test_gives_up_after_the_last_attempt_but_keeps_the_row(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory)
    sender = RecordingSender(failures=99)
    policy = RetryPolicy(max_attempts=3)
    at = timedelta(0)
    for _ in range(3):
        deliver(factory, sender, at, policy=policy)
        at += timedelta(hours=2)
    [row] = rows(factory)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert deliver(factory, sender, at + timedelta(days=1), policy=policy).claimed == 0


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=30), max_delay=timedelta(hours=1))
    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3, 8, 50)] == [
        30, 60, 120, 3600, 3600,
    ]  # fmt: skip


def test_messages_of_a_channel_without_sender_wait(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory, channel="wechat")
    sender = RecordingSender()
    assert deliver(factory, sender, timedelta(0)).claimed == 0
    assert asyncio.run(deliver_pending(session_factory=factory, senders={}, now=NOW)).claimed == 0
    [row] = rows(factory)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_error_text_never_keeps_a_phone_number(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory)

    class Leaky(RecordingSender):
        async def send(
            self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
        ) -> None:
            raise RuntimeError(f"cannot reach {text}")

    deliver(factory, Leaky(), timedelta(0))
    assert rows(factory)[0].last_error == "RuntimeError: cannot reach 消息0 138****5678"


def test_two_dispatchers_at_once_send_each_message_once(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    queue(factory, count=20)
    sender = RecordingSender()

    async def both() -> None:
        await asyncio.gather(
            deliver_pending(session_factory=factory, senders={"telegram": sender}, now=NOW),
            deliver_pending(session_factory=factory, senders={"telegram": sender}, now=NOW),
        )

    asyncio.run(both())
    assert sorted(user for _c, user, _t, _b in sender.sent) == sorted(f"u{i}" for i in range(20))
    assert all(row.status is OutboxStatus.SENT for row in rows(factory))
