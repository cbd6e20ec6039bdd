"""Replaying what was queued while the engine was down: in order, and never into a session
that has lost the resident's context."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.channels.contracts import Inbound, Outcome, RelayTiming
from bot.channels.rate_limit import RateLimiter
from bot.channels.relay import ChannelRelay
from bot.db.session import make_session_factory
from bot.engine.client import BotMessage
from bot.errors import EngineUnavailable
from bot.templates import bridges as messages
from tests.helpers.fake_engine import FakeEngine


class Sink:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, list[BotMessage]]] = []

    async def deliver(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        self.delivered.append((user_id, list(reply)))


class FlakyEngine(FakeEngine):
    """A FakeEngine that is unreachable for the texts in `failing` (an engine going down
    halfway through a replay)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[str] = set()

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]:
        if text in self.failing:
            raise EngineUnavailable("fake engine went down")
        return await super().send(sender_id, text, metadata)


@dataclass
class Rig:
    """A relay on a clock the test moves, an engine that starts down, and a sink."""

    engine: FlakyEngine
    sink: Sink
    clock: list[datetime]
    relay: ChannelRelay

    def later(self, delta: timedelta) -> None:
        self.clock[0] += delta

    def engine_heard(self) -> list[str]:
        return [call[1] for call in self.engine.calls]

    def pushed(self) -> list[str | None]:
        return [reply[0].text for _, reply in self.sink.delivered]


@pytest.fixture
def rig(db_engine: Engine) -> Rig:
    engine, sink = FlakyEngine(), Sink()
    engine.down = True
    clock = [datetime(2026, 12, 1, 9, tzinfo=UTC)]
    relay = ChannelRelay(
        channel="wechat",
        engine=engine,
        session_factory=make_session_factory(db_engine),
        limiter=RateLimiter(limit=20, window_s=60),
        sink=sink,
        timing=RelayTiming(retry_after=timedelta(seconds=1)),
        clock=lambda: clock[0],
    )
    return Rig(engine, sink, clock, relay)


def test_a_short_outage_is_replayed_in_order(rig: Rig) -> None:
    engine, relay = rig.engine, rig.relay

    async def scenario() -> None:
        first = await relay.receive(Inbound("oA", "1", "路灯不亮"))
        second = await relay.receive(Inbound("oA", "2", "13812345678"))
        assert first.outcome is second.outcome is Outcome.QUEUED
        assert [m.text for m in first.reply] == [messages.ENGINE_DOWN_QUEUED]
        assert second.reply == []  # the apology once
        engine.down = False
        rig.later(timedelta(minutes=5))
        assert await relay.drain() == 2

    asyncio.run(scenario())
    assert rig.engine_heard() == ["路灯不亮", "13812345678"]
    assert rig.pushed() == ["回声：路灯不亮", "回声：13812345678"]


def test_after_a_long_outage_the_resident_is_told_and_nothing_is_misread(rig: Rig) -> None:
    engine, relay = rig.engine, rig.relay

    async def scenario() -> None:
        await relay.receive(Inbound("oA", "1", "在3号楼"))
        await relay.receive(Inbound("oA", "2", "13812345678"))
        engine.down = False
        rig.later(timedelta(minutes=75))
        assert await relay.drain() == 2
        # The next fresh message goes to the engine as usual.
        answered = await relay.receive(Inbound("oA", "3", "我要反映路灯不亮"))
        assert answered.outcome is Outcome.ANSWERED

    asyncio.run(scenario())
    assert rig.engine_heard() == ["我要反映路灯不亮"]  # the stale ones were not replayed
    ((user, notice),) = rig.sink.delivered
    assert user == "oA" and notice[0].text == messages.CONTEXT_LOST
    assert [b.payload for b in notice[0].buttons] == ["/find_station", "/report_problem"]


def test_a_new_message_after_the_outage_is_answered_after_the_waiting_ones(rig: Rig) -> None:
    engine, relay = rig.engine, rig.relay

    async def scenario() -> None:
        await relay.receive(Inbound("oA", "1", "路灯不亮"))
        await relay.receive(Inbound("oA", "2", "在3号楼"))
        engine.down = False
        rig.later(timedelta(seconds=5))  # before the retry loop's next round
        third = await relay.receive(Inbound("oA", "3", "13812345678"))
        assert third.outcome is Outcome.ANSWERED
        assert [m.text for m in third.reply] == ["回声：13812345678"]

    asyncio.run(scenario())
    assert rig.engine_heard() == ["路灯不亮", "在3号楼", "13812345678"]
    assert rig.pushed() == ["回声：路灯不亮", "回声：在3号楼"]


def test_while_older_messages_wait_on_a_down_engine_a_new_one_is_queued_silently(rig: Rig) -> None:
    engine, relay = rig.engine, rig.relay

    async def scenario() -> None:
        first = await relay.receive(Inbound("oA", "1", "路灯不亮"))
        rig.later(timedelta(seconds=5))  # the engine is tried again, and is still down
        second = await relay.receive(Inbound("oA", "2", "在3号楼"))
        assert first.outcome is second.outcome is Outcome.QUEUED
        assert [m.text for m in first.reply] == [messages.ENGINE_DOWN_QUEUED]
        assert second.reply == []
        engine.down = False
        rig.later(timedelta(seconds=5))
        assert await relay.drain() == 2

    asyncio.run(scenario())
    assert rig.engine_heard() == ["路灯不亮", "在3号楼"]
    assert rig.sink.delivered == [
        ("oA", [BotMessage("回声：路灯不亮")]),
        ("oA", [BotMessage("回声：在3号楼")]),
    ]


def test_an_engine_failing_mid_replay_puts_the_rest_back_in_order(rig: Rig) -> None:
    engine, relay = rig.engine, rig.relay

    async def scenario() -> None:
        for key, text in (("1", "路灯不亮"), ("2", "在3号楼"), ("3", "13812345678")):
            await relay.receive(Inbound("oA", key, text))
        engine.down, engine.failing = False, {"在3号楼"}
        rig.later(timedelta(seconds=5))
        assert await relay.drain() == 1  # the second failed: it and the third wait again
        engine.failing = set()
        assert await relay.drain() == 0  # not due before the retry time
        rig.later(timedelta(seconds=5))
        assert await relay.drain() == 2

    asyncio.run(scenario())
    assert rig.engine_heard() == ["路灯不亮", "在3号楼", "13812345678"]
    assert rig.pushed() == [
        "回声：路灯不亮",
        "回声：在3号楼",
        "回声：13812345678",
    ]
