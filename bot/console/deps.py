"""Console dependencies: the logged-in staff member (`CurrentStaff`), role checks and the CSRF
check every state-changing request passes (`posting(...)`)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from bot.console.errors import CsrfRefused, Forbidden, LoginRequired
from bot.console.resources import ConsoleResources, resources_of
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.staff.permissions import StaffMember
from bot.staff.sessions import resolve_session

SESSION_COOKIE = "jmk_console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Viewer:
    """The staff member behind this request, with their session's CSRF token."""

    member: StaffMember
    csrf_token: str
    address: str

    @property
    def username(self) -> str:
        return self.member.username


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_staff(request: Request) -> Viewer:
    resources = resources_of(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise LoginRequired()
    with resources.session_factory.begin() as session:
        record = resolve_session(session=session, token=token, now=utcnow())
        if record is None:
            raise LoginRequired()
        member = StaffMember.of(record.account)
        csrf = record.csrf_token
    return Viewer(member, csrf, client_address(request))


CurrentStaff = Annotated[Viewer, Depends(current_staff)]
ResourcesDep = Annotated[ConsoleResources, Depends(resources_of)]


def require(*roles: StaffRole) -> Callable[[Viewer], Viewer]:
    """A dependency: the logged-in member, if their role is one of `roles` (else 403)."""
    allowed = frozenset(roles)

    def check(viewer: CurrentStaff) -> Viewer:
        if viewer.member.role not in allowed:
            raise Forbidden()
        return viewer

    return check


def posting(*roles: StaffRole) -> Callable[..., Coroutine[Any, Any, Viewer]]:
    """A dependency for POST routes: role as `require`, and the session's CSRF token in the
    form (`csrf_token`) or the `X-CSRF-Token` header."""
    allowed = frozenset(roles or StaffRole)

    async def check(request: Request, viewer: CurrentStaff) -> Viewer:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
        if not sent or not hmac.compare_digest(sent.encode(), viewer.csrf_token.encode()):
            raise CsrfRefused()
        if viewer.member.role not in allowed:
            raise Forbidden()
        return viewer

    return check


ANY_ROLE = (StaffRole.STAFF, StaffRole.TRAINER, StaffRole.ADMIN)
DESK_ROLES = (StaffRole.STAFF, StaffRole.ADMIN)  # who may act on tickets and handoffs
AdminStaff = Annotated[Viewer, Depends(require(StaffRole.ADMIN))]
DeskStaff = Annotated[Viewer, Depends(require(*DESK_ROLES))]
PostingAny = Annotated[Viewer, Depends(posting(*ANY_ROLE))]
PostingDesk = Annotated[Viewer, Depends(posting(*DESK_ROLES))]
PostingAdmin = Annotated[Viewer, Depends(posting(StaffRole.ADMIN))]
