"""Webhook mode: only calls carrying the secret header reach the Application."""

from __future__ import annotations

import asyncio

import httpx
from telegram.ext import Application

from bot.channels.telegram.webhook import SECRET_HEADER, build_webhook_app, webhook_path
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi


def test_webhook_path_is_the_path_of_the_public_url() -> None:
    assert webhook_path("https://bot.example.cn/telegram/hook") == "/telegram/hook"


def test_only_updates_with_the_secret_header_are_queued() -> None:
    application = Application.builder().token(TOKEN).updater(None).build()
    app = build_webhook_app(application, path="/telegram", secret="s3cret-value")
    update = FakeBotApi().text(424242, "你好", update_id=7)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hook") as http:
            missing = await http.post("/telegram", json=update)
            wrong = await http.post("/telegram", json=update, headers={SECRET_HEADER: "guess"})
            right = await http.post(
                "/telegram", json=update, headers={SECRET_HEADER: "s3cret-value"}
            )
            garbage = await http.post(
                "/telegram", content=b"{not json", headers={SECRET_HEADER: "s3cret-value"}
            )
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert right.status_code == 200
        assert garbage.status_code == 400
        queued = application.update_queue.get_nowait()
        assert queued.update_id == 7 and queued.message.text == "你好"
        assert application.update_queue.empty()

    asyncio.run(scenario())
