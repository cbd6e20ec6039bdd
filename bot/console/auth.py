"""Logging in and out, changing one's password, and the console's front door."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.console.deps import (
    SESSION_COOKIE,
    CurrentStaff,
    PostingAny,
    ResourcesDep,
    client_address,
    current_staff,
)
from bot.console.errors import LoginRequired
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.staff import accounts, audit, sessions, throttle
from bot.staff.errors import WeakPassword
from bot.staff.passwords import dummy_verify, verify_password

router = APIRouter()
DAY = timedelta(days=1)
LOGIN_COOKIE = "jmk_login"  # double-submit token of the login form (no session exists yet)
HOME = {
    StaffRole.STAFF: "/console/tickets",
    StaffRole.TRAINER: "/console/conversations",
    StaffRole.ADMIN: "/console/tickets",
}


def safe_next(target: str | None) -> str | None:
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return None


def set_session_cookie(response: Response, resources: ConsoleResources, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(resources.session_lifetime.total_seconds()),
        path="/console",
        httponly=True,
        samesite="lax",
        secure=resources.cookie_secure,
    )


@router.get("/console", include_in_schema=False)
@router.get("/console/", include_in_schema=False)
def home(viewer: CurrentStaff) -> RedirectResponse:
    return RedirectResponse(HOME[viewer.member.role], status_code=303)


def _login_page(
    request: Request,
    resources: ConsoleResources,
    *,
    error: str | None = None,
    status: int = 200,
    username: str = "",
    next_url: str | None = None,
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status=status,
        error=error,
        username=username,
        login_token=token,
        next_url=safe_next(next_url) or "",
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/console",
        httponly=True,
        samesite="lax",
        secure=resources.cookie_secure,
    )
    return response


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request, resources: ResourcesDep, next: str = "") -> Response:
    try:
        viewer = current_staff(request)
    except LoginRequired:
        return _login_page(request, resources, next_url=next)
    return RedirectResponse(safe_next(next) or HOME[viewer.member.role], status_code=303)


@router.post("/console/login", response_class=HTMLResponse)
def login(
    request: Request,
    resources: ResourcesDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    name = accounts.normalise_username(username)[:64]
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_page(
            request,
            resources,
            status=403,
            username=name,
            next_url=next,
            error="登录页面已过期，请再输入一次。",
        )
    address = client_address(request)
    now = utcnow()
    with resources.session_factory.begin() as session:
        if throttle.is_locked(
            session=session, username=name, address=address, now=now, limits=resources.throttle
        ):
            audit.record(
                session=session, actor=name, action="login.throttled", now=now, address=address
            )
            minutes = int(resources.throttle.window.total_seconds() // 60)
            return _login_page(
                request,
                resources,
                status=429,
                username=name,
                next_url=next,
                error=f"登录失败次数过多，请 {minutes} 分钟后再试。",
            )
        account = accounts.find_account(session=session, username=name) if name else None
        if account is None:
            dummy_verify(password)
            ok = False
        else:
            ok = verify_password(account.password_hash, password) and not account.disabled
        throttle.record_attempt(
            session=session, username=name, address=address, now=now, succeeded=ok
        )
        if not ok or account is None:
            audit.record(
                session=session, actor=name, action="login.failed", now=now, address=address
            )
            error = "用户名或密码不正确。"
            if account is not None and account.disabled:
                error = "用户名或密码不正确，或账号已停用。"
            return _login_page(
                request, resources, status=401, username=name, next_url=next, error=error
            )
        started = sessions.start_session(
            session=session,
            account=account,
            now=now,
            lifetime=resources.session_lifetime,
            address=address,
        )
        audit.record(session=session, actor=name, action="login", now=now, address=address)
        # Housekeeping on the way in: no table grows without bound.
        sessions.purge_expired(session=session, now=now)
        throttle.purge_old(session=session, now=now, keep=max(resources.throttle.window, DAY))
        target = safe_next(next) or HOME[account.role]
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, resources, started.token)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


@router.post("/console/logout")
def logout(request: Request, resources: ResourcesDep, viewer: PostingAny) -> RedirectResponse:
    with resources.session_factory.begin() as session:
        sessions.end_session(session=session, token=request.cookies.get(SESSION_COOKIE, ""))
        audit.record(
            session=session,
            actor=viewer.username,
            action="logout",
            now=utcnow(),
            address=viewer.address,
        )
    response = RedirectResponse("/console/login?done=logout", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.get("/console/password", response_class=HTMLResponse)
def password_form(request: Request, viewer: CurrentStaff) -> HTMLResponse:
    return render(request, "password.html", viewer)


@router.post("/console/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    resources: ResourcesDep,
    viewer: PostingAny,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    def again(error: str, status: int) -> HTMLResponse:
        return render(request, "password.html", viewer, status=status, error=error)

    if new != confirm:
        return again("两次输入的新密码不一致。", 400)
    now = utcnow()
    with resources.session_factory.begin() as session:
        account = accounts.get_account(session=session, username=viewer.username)
        if not verify_password(account.password_hash, current):
            return again("当前密码不正确。", 400)
        try:
            accounts.change_password(session=session, account=account, password=new, now=now)
        except WeakPassword:
            return again("新密码至少 10 个字符，且不要只用重复的字符。", 400)
        started = sessions.start_session(
            session=session,
            account=account,
            now=now,
            lifetime=resources.session_lifetime,
            address=viewer.address,
        )
        audit.record(
            session=session,
            actor=viewer.username,
            action="password.change",
            now=now,
            address=viewer.address,
        )
    response = RedirectResponse("/console/password?done=password", status_code=303)
    set_session_cookie(response, resources, started.token)
    return response
