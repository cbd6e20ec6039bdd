"""Accounts (admin only): list, create, disable and enable staff; the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.console.deps import AdminStaff, PostingAdmin, ResourcesDep, Viewer
from bot.console.errors import PageNotFound
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.staff import accounts, audit
from bot.staff.errors import AccountNotFound, StaffError, WeakPassword

router = APIRouter()
Field = Annotated[str, Form()]


def _page(
    request: Request,
    viewer: Viewer,
    resources: ConsoleResources,
    *,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    with resources.session_factory() as session:
        rows = accounts.list_accounts(session=session)
        for row in rows:
            session.expunge(row)
    return render(
        request,
        "accounts.html",
        viewer,
        status=status,
        error=error,
        rows=rows,
        roles=list(StaffRole),
        form=form or {},
    )


@router.get("/console/accounts", response_class=HTMLResponse)
def listing(request: Request, viewer: AdminStaff, resources: ResourcesDep) -> HTMLResponse:
    return _page(request, viewer, resources)


@router.post("/console/accounts", response_class=HTMLResponse)
def create(
    request: Request,
    viewer: PostingAdmin,
    resources: ResourcesDep,
    username: Field = "",
    role: Field = "",
    grids: Field = "",
    password: Field = "",
) -> Response:
    form = {"username": username, "role": role, "grids": grids}
    if role not in set(StaffRole):
        return _page(request, viewer, resources, error="请选择角色。", status=400, form=form)
    grid_list = [g for g in grids.replace("，", ",").replace("、", ",").split(",")]
    now = utcnow()
    try:
        with resources.session_factory.begin() as session:
            account = accounts.create_account(
                session=session,
                username=username,
                password=password,
                role=StaffRole(role),
                grids=grid_list,
                now=now,
            )
            audit.record(
                session=session,
                actor=viewer.username,
                action="account.create",
                target=account.username,
                now=now,
                address=viewer.address,
                details={"role": role, "grids": ", ".join(account.grids)},
            )
    except WeakPassword:
        error = "初始密码至少 10 个字符，且不要只用重复的字符。"
        return _page(request, viewer, resources, error=error, status=400, form=form)
    except StaffError as exc:
        error = _explain(exc)
        return _page(request, viewer, resources, error=error, status=400, form=form)
    return RedirectResponse("/console/accounts?done=created", status_code=303)


def _explain(exc: StaffError) -> str:
    text = str(exc)
    if "already exists" in text:
        return "已有同名账号。"
    if "needs at least one grid" in text:
        return "网格员账号至少要填一个网格。"
    if "user name" in text:
        return "用户名为 2-64 个字母、数字、“.”“_”或“-”，不能有空格。"
    return "账号没有创建：" + text


def _set_disabled(
    viewer: Viewer, resources: ConsoleResources, username: str, disabled: bool
) -> Response:
    if accounts.normalise_username(username) == viewer.username and disabled:
        raise PageNotFound("不能停用自己正在使用的账号。")
    try:
        with resources.session_factory.begin() as session:
            account = accounts.get_account(session=session, username=username)
            accounts.set_disabled(session=session, account=account, disabled=disabled)
            audit.record(
                session=session,
                actor=viewer.username,
                action="account.disable" if disabled else "account.enable",
                target=account.username,
                now=utcnow(),
                address=viewer.address,
            )
    except AccountNotFound as exc:
        raise PageNotFound("没有这个账号。") from exc
    done = "disabled" if disabled else "enabled"
    return RedirectResponse(f"/console/accounts?done={done}", status_code=303)


@router.post("/console/accounts/{username}/disable")
def disable(username: str, viewer: PostingAdmin, resources: ResourcesDep) -> Response:
    return _set_disabled(viewer, resources, username, True)


@router.post("/console/accounts/{username}/enable")
def enable(username: str, viewer: PostingAdmin, resources: ResourcesDep) -> Response:
    return _set_disabled(viewer, resources, username, False)


@router.get("/console/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, viewer: AdminStaff, resources: ResourcesDep, actor: str = "", action: str = ""
) -> HTMLResponse:
    with resources.session_factory() as session:
        rows = audit.entries(
            session=session, actor=actor.strip() or None, action=action.strip() or None
        )
        for row in rows:
            session.expunge(row)
    return render(request, "audit.html", viewer, rows=rows, actor=actor, action=action)
