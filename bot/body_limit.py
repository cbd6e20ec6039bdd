"""Refuses request bodies over a size limit before any of them is kept in memory.

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 at once; a
body without one (chunked) is read only up to the limit. What it passes on has been read in
full, at most `max_bytes`, so no endpoint parses a body of unbounded size. Shared by the web
service and the Telegram webhook; what the 413 says is up to each (`refusal`).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024  # an Open311 report or a WeChat callback is a few kB

# (request path, the limit in bytes) -> (response body, content type) of the 413 answer.
Refusal = Callable[[str, int], tuple[bytes, bytes]]


def plain_refusal(_path: str, _max_bytes: int) -> tuple[bytes, bytes]:
    return b"too large", b"text/plain; charset=utf-8"


class BodyLimit:
    def __init__(
        self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES, refusal: Refusal = plain_refusal
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refusal = refusal

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
        body, content_type = self.refusal(str(scope.get("path", "")), self.max_bytes)
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
