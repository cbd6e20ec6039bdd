"""Through the real engine: down at first (a closed port), then back, then a site search."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.sites import Site
from bot.engine.client import EngineClient
from bot.engine.ports import free_port
from bot.engine.processes import StackConfig
from bot.templates import bridges as messages
from tests.channels.telegram.conftest import running
from tests.helpers.fake_engine import SwitchableEngine

pytestmark = pytest.mark.engine


def new_chat_id() -> int:
    # The engine is shared by the whole session and keeps each conversation (and a shared
    # location) for an hour: every run needs a chat of its own.
    return 700_000 + secrets.randbelow(10**6)


def first_site(database_url: str) -> Site:
    engine = create_engine(database_url)
    with Session(engine) as session:
        site = session.scalars(select(Site).order_by(Site.id)).first()
        assert site is not None
        session.expunge_all()
    engine.dispose()
    return site


def test_engine_down_then_back_then_a_location_finds_sites(
    settings: Settings,
    factory: sessionmaker[Session],
    engine_stack: StackConfig,
    e2e_database_url: str,
) -> None:
    site = first_site(e2e_database_url)
    CHAT = new_chat_id()

    async def scenario() -> None:
        closed = EngineClient(f"http://127.0.0.1:{free_port()}", engine_stack.token)
        real = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            engine = SwitchableEngine(closed)
            async with running(settings, factory, engine) as bridge:
                api = bridge.api
                api.push(api.text(CHAT, "你好"))
                await api.wait_for("sendMessage", 1, chat_id=CHAT)
                assert api.texts(CHAT) == [messages.ENGINE_DOWN_QUEUED]

                engine.target = real  # the engine is back
                [_, greeting] = await api.wait_for("sendMessage", 2, chat_id=CHAT, timeout=60)
                assert "小助手" in greeting.params["text"]
                assert greeting.params["reply_markup"]["inline_keyboard"]

                api.push(api.text(CHAT, "附近有没有党群服务站"))
                calls = await api.wait_for("sendMessage", 3, chat_id=CHAT, timeout=60)
                await asyncio.sleep(0.5)  # the location key may come as a message of its own
                asked = api.sent("sendMessage", CHAT)[2:]
                assert "位置" in asked[0].params["text"], api.texts(CHAT)
                assert any(c.params.get("reply_markup", {}).get("keyboard") for c in asked), (
                    "the share-location key is shown"
                )

                count = len(api.sent("sendMessage", CHAT))
                api.push(api.location(CHAT, site.lat, site.lon))
                calls = await api.wait_for("sendMessage", count + 1, chat_id=CHAT, timeout=60)
                await asyncio.sleep(0.5)
                answer = "\n".join(api.texts(CHAT)[count:])
                assert "📍" in answer and site.name in answer
                del calls
        finally:
            await closed.aclose()
            await real.aclose()

    asyncio.run(scenario())
