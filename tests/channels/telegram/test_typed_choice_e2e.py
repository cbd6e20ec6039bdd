"""Through the real engine: a number typed in Telegram instead of tapping picks the button
just shown; a number with nothing offered is asked about, never taken as goodbye."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.engine.client import EngineClient
from bot.engine.processes import StackConfig
from tests.channels.telegram.conftest import running
from tests.channels.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.engine


def new_chat_id() -> int:
    return 900_000 + secrets.randbelow(10**6)


Scenario = Callable[[FakeBotApi, int], Awaitable[None]]


def chat_through_the_bridge(
    settings: Settings, factory: sessionmaker[Session], stack: StackConfig, scenario: Scenario
) -> None:
    """Runs `scenario(api, chat_id)` against the real engine, through the real bridge."""
    chat = new_chat_id()

    async def run() -> None:
        engine = EngineClient(stack.engine_url, stack.token, timeout_s=60)
        try:
            async with running(settings, factory, engine) as bridge:
                await scenario(bridge.api, chat)
        finally:
            await engine.aclose()

    asyncio.run(run())


@pytest.mark.parametrize(("typed", "expected"), [("2", "哪一类"), ("１", "位置")])
def test_a_typed_number_picks_the_button_just_shown(
    settings: Settings,
    factory: sessionmaker[Session],
    engine_stack: StackConfig,
    typed: str,
    expected: str,
) -> None:
    async def scenario(api: FakeBotApi, chat: int) -> None:
        api.push(api.text(chat, "你好"))
        [greeting] = await api.wait_for("sendMessage", 1, chat_id=chat, timeout=60)
        keyboard = greeting.params["reply_markup"]["inline_keyboard"]
        assert [button["text"] for row in keyboard for button in row][:2] == [
            "找附近的服务站",
            "反映问题",
        ]
        api.push(api.text(chat, typed))  # 2 = 反映问题, 1 = 找附近的服务站
        calls = await api.wait_for("sendMessage", 2, chat_id=chat, timeout=60)
        assert expected in calls[1].params["text"], api.texts(chat)

    chat_through_the_bridge(settings, factory, engine_stack, scenario)


def test_a_number_with_nothing_offered_is_asked_about(
    settings: Settings, factory: sessionmaker[Session], engine_stack: StackConfig
) -> None:
    async def scenario(api: FakeBotApi, chat: int) -> None:
        api.push(api.text(chat, "3"))
        [answer] = await api.wait_for("sendMessage", 1, chat_id=chat, timeout=60)
        assert "是指什么" in answer.params["text"]

    chat_through_the_bridge(settings, factory, engine_stack, scenario)
