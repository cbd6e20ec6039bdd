"""Errors at the HTTP edge: Open311 answers `[{"code": <int>, "description": "..."}]`."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.body_limit import plain_refusal
from bot.tickets.errors import (
    IllegalTransition,
    InvalidReport,
    InvalidTicketNumber,
    NotAllowed,
    TicketError,
    TicketNotFound,
)

OPEN311_PREFIX = "/open311/"
CONSOLE_TOO_LARGE = (
    "提交的内容超过 {limit_kib} KB，没有处理。较大的站点文件请用 jiamenkou sites import 导入。"
)


def too_large(path: str, max_bytes: int) -> tuple[bytes, bytes]:
    """The 413 of the body limit: in the Open311 error format under its prefix, in Chinese
    with what to do instead for a staff member's console upload."""
    if path.startswith("/console/"):
        text = CONSOLE_TOO_LARGE.format(limit_kib=max_bytes // 1024)
        return text.encode(), b"text/plain; charset=utf-8"
    if not path.startswith(OPEN311_PREFIX):
        return plain_refusal(path, max_bytes)
    description = f"the request body is larger than {max_bytes // 1024} KiB"
    return json.dumps([{"code": 413, "description": description}]).encode(), b"application/json"


class Open311Error(Exception):
    def __init__(
        self, status: int, description: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers  # e.g. Retry-After on 429


def open311_response(
    status: int, description: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        [{"code": status, "description": description}], status_code=status, headers=headers
    )


def _ticket_status(exc: TicketError) -> int:
    if isinstance(exc, TicketNotFound | InvalidTicketNumber):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, IllegalTransition):
        return 409
    if isinstance(exc, InvalidReport):
        return 400
    return 400


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Open311Error)
    async def _open311(_request: Request, exc: Open311Error) -> JSONResponse:
        return open311_response(exc.status, exc.description, exc.headers)

    @app.exception_handler(TicketError)
    async def _ticket(_request: Request, exc: TicketError) -> JSONResponse:
        return open311_response(_ticket_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'][1:]) or 'request'}: {error['msg']}"
            for error in exc.errors()
        )
        return open311_response(400, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if request.url.path.startswith(OPEN311_PREFIX):
            return open311_response(exc.status_code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
