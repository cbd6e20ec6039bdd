"""A small fake of the Telegram Bot API, speaking its JSON wire format on loopback.

It serves what the bridge calls (getMe, getUpdates with long polling and offsets,
sendMessage, sendPhoto, answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook,
getFile) and records every call, so tests drive the real python-telegram-bot Application.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-token"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "家门口小助手",
    "username": "jiamenkou_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    updates: list[tuple[dict[str, Any], bool]] = field(default_factory=list)  # (update, sent)
    calls: list[Call] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- what tests do -----------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (a copy of an earlier one is delivered again, as after a restart
        that never confirmed it)."""
        self.updates.append((update, False))
        return int(update["update_id"])

    def text(self, chat_id: int, text: str, *, update_id: int | None = None) -> dict[str, Any]:
        message = self._message(chat_id, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update(update_id, message=message)

    def location(self, chat_id: int, lat: float, lon: float) -> dict[str, Any]:
        point = {"latitude": lat, "longitude": lon}
        return self._update(None, message=self._message(chat_id, location=point))

    def venue(self, chat_id: int, lat: float, lon: float, title: str) -> dict[str, Any]:
        point = {"latitude": lat, "longitude": lon}
        venue = {"location": point, "title": title, "address": "和顺路1号"}
        return self._update(None, message=self._message(chat_id, location=point, venue=venue))

    def photo(self, chat_id: int, caption: str | None = None) -> dict[str, Any]:
        sizes = [
            {"file_id": "small-id", "file_unique_id": "s1", "width": 90, "height": 60},
            {"file_id": "large-id", "file_unique_id": "l1", "width": 1280, "height": 960},
        ]
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self._update(None, message=self._message(chat_id, **extra))

    def sticker(self, chat_id: int) -> dict[str, Any]:
        sticker = {
            "file_id": "st",
            "file_unique_id": "st1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._update(None, message=self._message(chat_id, sticker=sticker))

    def tap(self, chat_id: int, data: str, *, offered: list[str] | None = None) -> dict[str, Any]:
        """A tap on a button of a bot message; `offered` are the buttons on that message
        (default: just the one tapped). A modified client can send data not offered."""
        message = self._message(chat_id, text="您好！", from_bot=True)
        buttons = [data] if offered is None else offered
        message["reply_markup"] = {
            "inline_keyboard": [
                [{"text": f"按钮{i}", "callback_data": b}] for i, b in enumerate(buttons)
            ]
        }
        query = {
            "id": f"cb{next(self._ids)}",
            "from": self._user(chat_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
        return self._update(None, callback_query=query)

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [str(c.params["text"]) for c in self.sent("sendMessage", chat_id)]

    async def wait_for(
        self, method: str, count: int, *, chat_id: int | None = None, timeout: float = 10.0
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.sent(method, chat_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} x{count} not seen; calls: {self.calls}")
            await asyncio.sleep(0.02)
        return self.sent(method, chat_id)

    # --- the HTTP side -----------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["POST"])])

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != TOKEN:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        method = request.path_params["method"]
        form = await request.form()
        params = {k: _decode(str(v)) for k, v in form.items()}
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        self.calls.append(Call(method, params))
        if method == "getMe":
            return _ok(BOT_USER)
        if method in ("sendMessage", "sendPhoto"):
            chat_id = int(params["chat_id"])
            sent = self._message(chat_id, from_bot=True, text=params.get("text") or "")
            return _ok(sent)
        if method == "getFile":
            file_id = params["file_id"]
            return _ok(
                {"file_id": file_id, "file_unique_id": "u", "file_path": f"photos/{file_id}.jpg"}
            )
        if method in ("answerCallbackQuery", "setMyCommands", "deleteWebhook", "setWebhook"):
            return _ok(True)
        return JSONResponse(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404
        )

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Confirmed updates (id < offset, already sent once) are gone for good, as at Telegram.
        self.updates = [(u, s) for u, s in self.updates if not (s and u["update_id"] < offset)]
        timeout = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + timeout
        while True:
            due = [u for u, s in self.updates if not s or u["update_id"] >= offset]
            if due or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.02)
        self.updates = [(u, True) for u, _ in self.updates]
        return due

    # --- builders ----------------------------------------------------------------------
    def _update(self, update_id: int | None, **body: Any) -> dict[str, Any]:
        return {"update_id": update_id if update_id is not None else next(self._ids), **body}

    def _message(self, chat_id: int, *, from_bot: bool = False, **body: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "居民"},
            "from": BOT_USER if from_bot else self._user(chat_id),
            **body,
        }

    @staticmethod
    def _user(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "居民", "language_code": "zh-hans"}


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _decode(value: str) -> Any:
    # PTB sends nested values (reply_markup, allowed_updates) as JSON strings in form fields.
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
