"""Errors at the console's edge, each shown to staff as a page (or a redirect to the login)."""

from __future__ import annotations


class ConsoleError(Exception):
    status = 400
    title = "出错了"
    message = "请求无法处理，请返回后重试。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class LoginRequired(ConsoleError):
    status = 401
    title = "请先登录"
    message = "登录已过期或尚未登录，请重新登录。"


class Forbidden(ConsoleError):
    status = 403
    title = "没有权限"
    message = "您的账号没有权限查看或处理这项内容。"


class CsrfRefused(ConsoleError):
    status = 403
    title = "表单已失效"
    message = "页面已过期或来源不明，操作没有执行。请刷新页面后再试一次。"


class PageNotFound(ConsoleError):
    status = 404
    title = "找不到"
    message = "没有找到这项内容，可能编号有误或已被删除。"
