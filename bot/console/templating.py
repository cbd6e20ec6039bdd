"""Jinja2 templates of the console (bundled in the package), their filters and `render`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot import china_time
from bot.console.deps import CSRF_FIELD, Viewer
from bot.console.resources import PACKAGE_DIR, resources_of
from bot.console.texts import CHANNEL_LABELS, HANDOFF_STATES, NOTICES, ROLE_LABELS
from bot.db.columns import utcnow

# The console's pages only load what the package serves: no CDN, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return china_time.to_china(moment).strftime(fmt) if moment else ""


def span(seconds: float) -> str:
    """A duration in words: 3 天 2 小时, 1 小时 5 分钟, 12 分钟, 不到 1 分钟."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {mins} 分钟"
    return f"{mins} 分钟" if mins else "不到 1 分钟"


def countdown(due: datetime, now: datetime | None = None) -> str:
    left = (due - (now or utcnow())).total_seconds()
    return f"剩 {span(left)}" if left >= 0 else f"超时 {span(left)}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PACKAGE_DIR / "templates"))
    env = templates.env
    env.filters["local"] = local_time
    env.filters["countdown"] = countdown
    env.filters["span"] = span
    env.filters["percent"] = percent
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, str(role))
    env.globals["channel_label"] = lambda name: CHANNEL_LABELS.get(name, name)
    env.globals["handoff_label"] = lambda state: HANDOFF_STATES.get(state, state or "")
    return templates


def render(
    request: Request,
    template: str,
    viewer: Viewer | None = None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    resources = resources_of(request)
    nav = [
        item for item in resources.nav if viewer is not None and viewer.member.role in item.roles
    ]
    response = resources.templates.TemplateResponse(
        request,
        template,
        {
            "me": viewer,
            "nav": nav,
            "now": utcnow(),
            "notice": NOTICES.get(request.query_params.get("done", "")),
            **context,
        },
        status_code=status,
    )
    response.headers.update(SECURITY_HEADERS)
    return response
