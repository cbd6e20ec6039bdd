"""The real web service (`create_app`, every middleware and router) against a fake engine that
speaks the REST channel over loopback, so the bridges' real engine client is used too.

Every response any hostile test gets is checked: none may be a 5xx.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.config import Settings
from bot.db.session import make_session_factory
from bot.web.api_keys import create_api_key
from bot.web.app import create_app
from tests.channels.wechat.wechat_side import TOKEN
from tests.helpers.database import db_engine, migrated_sqlite_template
from tests.helpers.loopback import serving
from tests.tickets.builders import NOW

__all__ = ["db_engine", "migrated_sqlite_template"]

BUTTONS = [
    {"title": "找附近的服务站", "payload": "/find_station"},
    {"title": "改地点", "payload": '/correct_report{"report_field": "report_location"}'},
]


@dataclass
class RestEngine:
    """Records what reaches the engine; "你好" is answered with buttons."""

    received: list[tuple[str, str]] = field(default_factory=list)

    async def webhook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append((body["sender"], body["message"]))
        if body["message"] == "你好":
            return JSONResponse([{"text": "您好！", "buttons": BUTTONS}])
        return JSONResponse([{"text": f"回声：{body['message']}"}])

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/webhooks/rest/webhook", self.webhook, methods=["POST"])])

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.received]


@dataclass
class Web:
    http: httpx.AsyncClient
    engine: RestEngine
    statuses: list[int]
    factory: sessionmaker[Session]


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def api_key(factory: sessionmaker[Session]) -> str:
    with factory.begin() as session:
        return create_api_key(session=session, name="city-app", now=NOW)


@contextlib.asynccontextmanager
async def web_service(settings: Settings, db_engine: Engine, **changes: Any) -> AsyncIterator[Web]:
    """The web service as `jiamenkou serve` builds it (WeChat mounted), production mode."""
    engine = RestEngine()
    statuses: list[int] = []

    async def record(response: httpx.Response) -> None:
        statuses.append(response.status_code)

    async with serving(engine.app()) as engine_url:
        configured = settings.model_copy(
            update={
                "environment": "production",
                "wechat_token": TOKEN,
                "engine_url_override": engine_url,
                "open311_limit_per_address": 10_000,
                **changes,
            }
        )
        app = create_app(configured, engine=db_engine)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://jiamenkou.test",
                event_hooks={"response": [record]},
            ) as http:
                yield Web(http, engine, statuses, make_session_factory(db_engine))
    server_errors = [code for code in statuses if code >= 500]
    assert server_errors == [], f"5xx answers: {server_errors}"
