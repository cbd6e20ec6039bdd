"""The WeChat router in a bare FastAPI app, driven in the test's own event loop."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.contracts import Engine as EngineLike
from bot.channels.wechat.router import wechat_router
from bot.config import Settings
from bot.db.session import make_session_factory
from tests.channels.wechat.wechat_side import AES_KEY, APP_ID, APP_SECRET, TOKEN, FakeWeChatApi
from tests.helpers.loopback import serving


@dataclass
class Callback:
    http: httpx.AsyncClient
    api: FakeWeChatApi
    settings: Settings


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


def wechat_settings(settings: Settings, api_url: str, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "wechat_token": TOKEN,
            "wechat_app_id": APP_ID,
            "wechat_app_secret": APP_SECRET,
            "wechat_aes_key": AES_KEY,
            "wechat_api_base_url": api_url,
            "inbound_retry_s": 0.2,
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings, factory: sessionmaker[Session], engine: EngineLike, **extra: object
) -> AsyncIterator[Callback]:
    api = FakeWeChatApi()
    async with serving(api.app()) as url:
        configured = wechat_settings(settings, url, **extra)
        app = FastAPI()
        app.include_router(wechat_router(configured, factory, engine=engine))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://wechat.test"
            ) as http:
                yield Callback(http, api, configured)
