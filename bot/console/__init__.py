"""The staff console under /console/: server-rendered pages over the domain services.

`mount_console(app, ...)` adds every area's router, the bundled static files and the error
pages. An area is one module with an `APIRouter` named `router` (see `AREAS`); it depends on
`bot.console.deps` for the logged-in member, role checks and CSRF, renders with
`bot.console.templating.render`, and adds its menu entry with `ConsoleResources.add_nav`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.config import Settings
from bot.console import accounts, auth, conversations, figures, handoffs, nlu, sites, tickets
from bot.console.deps import current_staff
from bot.console.errors import ConsoleError, LoginRequired, PageNotFound
from bot.console.resources import PACKAGE_DIR, ConsoleResources, NavItem
from bot.console.templating import build_templates, render
from bot.db.staff import StaffRole
from bot.vocabulary import Vocabulary

PREFIX = "/console"
AREAS = (auth, tickets, handoffs, conversations, figures, sites, accounts, nlu)
S, T, A = StaffRole.STAFF, StaffRole.TRAINER, StaffRole.ADMIN
NAV = (
    NavItem("工单", "/console/tickets", frozenset({S, T, A})),
    NavItem("人工服务", "/console/handoffs", frozenset({S, A})),
    NavItem("会话记录", "/console/conversations", frozenset({S, T, A})),
    NavItem("数据", "/console/figures", frozenset({S, T, A})),
    NavItem("模型训练", "/console/nlu/", frozenset({T, A})),
    NavItem("服务站点", "/console/sites", frozenset({A})),
    NavItem("账号", "/console/accounts", frozenset({A})),
    NavItem("操作日志", "/console/audit", frozenset({A})),
)


def mount_console(
    app: FastAPI,
    *,
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    vocabulary: Vocabulary,
) -> ConsoleResources:
    """Adds the console to `app`; call `.close()` on the result when the app stops."""
    resources = ConsoleResources(
        settings=settings,
        session_factory=session_factory,
        app_engine=engine,
        vocabulary=vocabulary,
        templates=build_templates(),
        nav=list(NAV),
    )
    app.state.console = resources
    for area in AREAS:
        app.include_router(area.router)
    app.mount(
        f"{PREFIX}/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="console-static"
    )
    _install_error_pages(app)
    return resources


def _is_console(request: Request) -> bool:
    path = request.url.path
    return path == PREFIX or path.startswith(PREFIX + "/")


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


def _install_error_pages(app: FastAPI) -> None:
    async def console_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConsoleError)
        if isinstance(exc, LoginRequired):
            if _wants_fragment(request):
                return PlainTextResponse(exc.message, status_code=401)
            target = request.url.path
            if request.method == "GET" and request.url.query:
                target += "?" + request.url.query
            nxt = quote(target, safe="/") if request.method == "GET" else ""
            return RedirectResponse(f"/console/login?next={nxt}", status_code=303)
        return _error_page(request, exc)

    app.add_exception_handler(ConsoleError, console_error)
    _wrap(app, StarletteHTTPException)
    _wrap(app, RequestValidationError)


def _wrap(app: FastAPI, kind: type[Exception]) -> None:
    """Console paths get an HTML page for this error; every other path keeps its handler."""
    previous = app.exception_handlers.get(kind)

    async def handler(request: Request, exc: Exception) -> Response:
        if _is_console(request) or previous is None:
            status = getattr(exc, "status_code", 400)
            page = PageNotFound() if status == 404 else ConsoleError()
            page.status = status if isinstance(status, int) else 400
            return _error_page(request, page)
        result = previous(request, exc)
        return await result if isinstance(result, Awaitable) else result

    app.add_exception_handler(kind, handler)


def _error_page(request: Request, exc: ConsoleError) -> Response:
    if _wants_fragment(request):
        return PlainTextResponse(exc.message, status_code=exc.status)
    try:
        viewer = current_staff(request)
    except ConsoleError:
        viewer = None
    return render(
        request, "error.html", viewer, status=exc.status, title=exc.title, message=exc.message
    )


__all__ = ["ConsoleResources", "NavItem", "mount_console"]
