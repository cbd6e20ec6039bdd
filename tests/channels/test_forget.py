"""'Forget me' is recognised by the channels, deduped, and never reaches the engine."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from bot.channels.contracts import Inbound, Outcome
from bot.channels.forget import is_forget_request
from bot.channels.rate_limit import RateLimiter
from bot.channels.relay import ChannelRelay
from bot.db.session import make_session_factory
from bot.templates import bridges as messages
from tests.helpers.fake_engine import FakeEngine


@pytest.mark.parametrize(
    ("text", "forget"),
    [
        ("/forget", True),
        ("/forget@JiamenkouBot", True),
        ("删除我的聊天记录", True),
        ("请删除我的聊天记录。", True),
        ("清空聊天记录", True),
        ("忘记我吧", True),
        ("删除工单", False),
        ("聊天记录在哪里看", False),
        ("我要反映楼道的聊天噪音", False),
    ],
)
def test_requests_recognised(text: str, forget: bool) -> None:
    assert is_forget_request(text) is forget


def test_relay_erases_once_and_answers_locally(db_engine: Engine) -> None:
    erased: list[str] = []
    engine = FakeEngine()
    relay = ChannelRelay(
        channel="wechat",
        engine=engine,
        session_factory=make_session_factory(db_engine),
        limiter=RateLimiter(limit=20, window_s=60),
        sink=None,
        eraser=lambda sender: erased.append(sender) or 7,
    )

    async def scenario() -> None:
        first = await relay.receive(Inbound("oMe", "m1", "删除我的聊天记录"))
        assert first.outcome is Outcome.ANSWERED
        assert first.reply[0].text == messages.FORGOTTEN
        again = await relay.receive(Inbound("oMe", "m1", "删除我的聊天记录"))
        assert again.outcome is Outcome.DUPLICATE

    asyncio.run(scenario())
    assert erased == ["wechat:oMe"]
    assert engine.calls == []
