"""Hostile calls to the Telegram webhook that carry the right secret: 400, never 500."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from telegram.ext import Application

from bot.channels.telegram.webhook import SECRET_HEADER, build_webhook_app
from tests.channels.telegram.fake_bot_api import TOKEN

SECRET = "s3cret-value"


@pytest.mark.parametrize(
    "body",
    [b"[]", b'[{"update_id": 1}]', b'"update"', b"42", b"null", b"\xff\xfe{", b"{}",
     b'{"update_id": "x", "message": 5}', b'{"update_id": 1, "message": {"chat": []}}'],
)  # fmt: skip
def test_a_body_that_is_no_update_is_a_400(body: bytes) -> None:
    application = Application.builder().token(TOKEN).updater(None).build()
    app = build_webhook_app(application, path="/telegram", secret=SECRET)

    async def scenario() -> int:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://hook") as http:
            response = await http.post(
                "/telegram",
                content=body,
                headers={SECRET_HEADER: SECRET, "content-type": "application/json"},
            )
        return response.status_code

    assert asyncio.run(scenario()) == 400
    assert application.update_queue.empty()
