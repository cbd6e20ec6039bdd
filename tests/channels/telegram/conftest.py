"""Runs the real Telegram Application (polling) against the fake Bot API and a fake engine."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.contracts import Engine as EngineLike
from bot.channels.contracts import ReplySink
from bot.channels.relay import ChannelRelay, make_relay
from bot.channels.telegram.app import run_bridge
from bot.config import Settings
from bot.db.session import make_session_factory
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.helpers.loopback import serving


@dataclass
class Bridge:
    api: FakeBotApi
    settings: Settings


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


def bridge_settings(settings: Settings, api_url: str, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": api_url,
            "inbound_retry_s": 0.2,
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    factory: sessionmaker[Session],
    engine: EngineLike,
    *,
    api: FakeBotApi | None = None,
    **extra: object,
) -> AsyncIterator[Bridge]:
    """The bridge, polling the fake API, until the block ends."""
    api = api or FakeBotApi()
    async with serving(api.app()) as url:
        configured = bridge_settings(settings, url, **extra)

        def relay_for(sink: ReplySink) -> ChannelRelay:
            return make_relay(
                configured, channel="telegram", engine=engine, session_factory=factory, sink=sink
            )

        stop = asyncio.Event()
        task = asyncio.create_task(
            run_bridge(
                configured,
                session_factory=factory,
                relay_for=relay_for,
                stop=stop,
                webhook=False,
            )
        )
        await api.wait_for("deleteWebhook", 1)  # start_polling drops any webhook first
        try:
            yield Bridge(api, configured)
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)
