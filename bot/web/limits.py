"""Refuses request bodies over a size limit before any of them is kept in memory.

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 at once; a
body without one (chunked) is read only up to the limit. What it passes on has been read in
full, at most `max_bytes`, so no endpoint parses a body of unbounded size.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.errors import OPEN311_PREFIX

MAX_BODY_BYTES = 64 * 1024  # an Open311 report or a WeChat callback is a few kB


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nothing to answer
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        limit_kib = self.max_bytes // 1024
        if str(scope.get("path", "")).startswith(OPEN311_PREFIX):
            description = f"the request body is larger than {limit_kib} KiB"
            body = json.dumps([{"code": 413, "description": description}]).encode()
            content_type = b"application/json"
        elif str(scope.get("path", "")).startswith("/console/"):
            # A staff member's upload or form: say it in their language, and what to do.
            text = f"提交的内容超过 {limit_kib} KB，没有处理。较大的站点文件请用 jiamenkou sites import 导入。"
            body, content_type = text.encode(), b"text/plain; charset=utf-8"
        else:
            body, content_type = b"too large", b"text/plain; charset=utf-8"
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        # "close": the rest of an oversized body is not read, so the connection cannot be reused.
        headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls wait for the disconnect, as ASGI apps expect

    return replay
