"""Through the real engine: a number typed in Telegram instead of tapping picks the button
just shown; a number with nothing offered is asked about, never taken as goodbye."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.engine.client import EngineClient
from bot.engine.processes import StackConfig
from tests.channels.telegram.conftest import running

pytestmark = pytest.mark.engine


def new_chat_id() -> int:
    return 900_000 + secrets.randbelow(10**6)


@pytest.mark.parametrize(("typed", "expected"), [("2", "哪一类"), ("１", "位置")])
def test_a_typed_number_picks_the_button_just_shown(
    settings: Settings,
    factory: sessionmaker[Session],
    engine_stack: StackConfig,
    typed: str,
    expected: str,
) -> None:
    chat = new_chat_id()

    async def scenario() -> None:
        engine = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            async with running(settings, factory, engine) as bridge:
                api = bridge.api
                api.push(api.text(chat, "你好"))
                [greeting] = await api.wait_for("sendMessage", 1, chat_id=chat, timeout=60)
                keyboard = greeting.params["reply_markup"]["inline_keyboard"]
                titles = [button["text"] for row in keyboard for button in row]
                assert titles[:2] == ["找附近的服务站", "反映问题"]
                api.push(api.text(chat, typed))  # 2 = 反映问题, 1 = 找附近的服务站
                calls = await api.wait_for("sendMessage", 2, chat_id=chat, timeout=60)
                assert expected in calls[1].params["text"], api.texts(chat)
        finally:
            await engine.aclose()

    asyncio.run(scenario())


def test_a_number_with_nothing_offered_is_asked_about(
    settings: Settings, factory: sessionmaker[Session], engine_stack: StackConfig
) -> None:
    chat = new_chat_id()

    async def scenario() -> None:
        engine = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            async with running(settings, factory, engine) as bridge:
                api = bridge.api
                api.push(api.text(chat, "3"))
                [answer] = await api.wait_for("sendMessage", 1, chat_id=chat, timeout=60)
                assert "是指什么" in answer.params["text"]
        finally:
            await engine.aclose()

    asyncio.run(scenario())
