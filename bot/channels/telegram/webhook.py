"""Webhook mode: a small ASGI app that checks Telegram's secret header and queues updates."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.body_limit import BodyLimit

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1 << 20  # updates are a few kB; anything near this is not from Telegram


def webhook_path(webhook_url: str) -> str:
    """The path Telegram posts to: the path of the public URL (a proxy may sit in front)."""
    return urlsplit(webhook_url).path or "/"


def build_webhook_app(
    application: Application[Any, Any, Any, Any, Any, Any], *, path: str, secret: str
) -> Starlette:
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("telegram webhook call without the right secret header refused")
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        try:
            data = json.loads(body)
            # An array, a string or a number is valid JSON but no update (de_json would fail
            # on it with an AttributeError deep inside python-telegram-bot).
            if not isinstance(data, dict):
                raise TypeError("the update is not a JSON object")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return PlainTextResponse("bad update", status_code=400)
        # 200 at once: the update is processed by the Application, in order per chat.
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(path, receive, methods=["POST"]), Route("/healthz", health)],
        # Bodies are capped while being read, not after (a chunked body has no length).
        middleware=[Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)],
    )
