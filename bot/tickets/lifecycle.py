"""A ticket's life: 已受理 → 已派单 → 处理中 → 已办结, or 已退回; 转单; severity changes.

Every change appends a TicketEvent and queues the reporter's notification in the caller's
transaction, so a change is never recorded without its audit row and its message (or the
other way round). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.db.tickets import Severity, Ticket, TicketEvent, TicketStatus
from bot.tickets.deadlines import compute_deadlines
from bot.tickets.errors import IllegalTransition, NotAllowed, TicketAlreadyFinished
from bot.tickets.notify import notify_status

S = TicketStatus
# Status changes made with change_status(); a transfer (转单) is a change of its own.
ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.ACCEPTED: frozenset({S.DISPATCHED, S.REJECTED}),
    # A grid worker who fixes it on arrival closes a dispatched ticket directly.
    S.DISPATCHED: frozenset({S.IN_PROGRESS, S.CLOSED, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.CLOSED, S.REJECTED}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
}
# The result of 办结 is published (结果公示) and a 退回 needs its reason.
NOTE_REQUIRED = frozenset({S.CLOSED, S.REJECTED})


@dataclass(frozen=True)
class Actor:
    """Who makes a change: staff (by name), the system, or a resident (channel + user id)."""

    kind: Literal["staff", "system", "resident"]
    name: str
    channel: str | None = None
    user_id: str | None = None

    @classmethod
    def staff(cls, name: str) -> Actor:
        return cls("staff", name.strip() or "staff")

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls("system", name)

    @classmethod
    def resident(cls, channel: str, user_id: str) -> Actor:
        return cls("resident", f"{channel}:{user_id}", channel, user_id)

    @property
    def may_manage(self) -> bool:
        return self.kind in ("staff", "system")

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


def change_status(
    *,
    session: Session,
    ticket: Ticket,
    to: TicketStatus,
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> Ticket:
    """Move the ticket to `to`; raises NotAllowed, TicketAlreadyFinished or IllegalTransition."""
    _require_manager(actor, ticket)
    _require_open(ticket)
    if to not in ALLOWED[ticket.status]:
        raise IllegalTransition(
            f"{ticket.number} cannot go from {ticket.status.value} to {to.value}"
            + ("; use a transfer to change the grid" if to is S.DISPATCHED else "")
        )
    note = (note or "").strip() or None
    if to in NOTE_REQUIRED and note is None:
        raise IllegalTransition(f"{to.value} needs a note (the result or the reason)")
    previous = ticket.status
    ticket.status = to
    ticket.status_note = note
    ticket.updated_at = now
    if to is S.CLOSED:
        ticket.closed_at = now
    _append(session, ticket, actor, now, "status", previous, to, note)
    notify_status(session=session, ticket=ticket, note=note, now=now)
    return ticket


def dispatch(
    *, session: Session, ticket: Ticket, actor: Actor, now: datetime, note: str | None = None
) -> Ticket:
    return change_status(
        session=session, ticket=ticket, to=S.DISPATCHED, actor=actor, now=now, note=note
    )


def start(
    *, session: Session, ticket: Ticket, actor: Actor, now: datetime, note: str | None = None
) -> Ticket:
    return change_status(
        session=session, ticket=ticket, to=S.IN_PROGRESS, actor=actor, now=now, note=note
    )


def close(*, session: Session, ticket: Ticket, actor: Actor, now: datetime, note: str) -> Ticket:
    return change_status(
        session=session, ticket=ticket, to=S.CLOSED, actor=actor, now=now, note=note
    )


def reject(*, session: Session, ticket: Ticket, actor: Actor, now: datetime, reason: str) -> Ticket:
    return change_status(
        session=session, ticket=ticket, to=S.REJECTED, actor=actor, now=now, note=reason
    )


def transfer(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    grid: str | None = None,
    department: str | None = None,
    site_id: int | None = None,
    community: str | None = None,
    note: str | None = None,
) -> Ticket:
    """转单 / reassignment: hand an open ticket to another grid, department or site."""
    _require_manager(actor, ticket)
    _require_open(ticket)
    if not (grid or department or site_id):
        raise IllegalTransition("a transfer needs a grid, a department or a site")
    before = {"grid": ticket.grid, "department": ticket.department, "site_id": ticket.site_id}
    if grid:
        ticket.grid = grid
    if community:
        ticket.community = community
    if department:
        ticket.department = department
    if site_id:
        ticket.site_id = site_id
    previous = ticket.status
    ticket.status = S.DISPATCHED
    ticket.status_note = (note or "").strip() or None
    ticket.updated_at = now
    after = {"grid": ticket.grid, "department": ticket.department, "site_id": ticket.site_id}
    details = {"from": before, "to": after}
    _append(session, ticket, actor, now, "transfer", previous, S.DISPATCHED, note, details)
    notify_status(
        session=session, ticket=ticket, note=note, now=now, transfer=previous is not S.ACCEPTED
    )
    return ticket


def change_severity(
    *,
    session: Session,
    ticket: Ticket,
    severity: Severity,
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> Ticket:
    """Staff re-grade a ticket; the 1341 deadlines are recomputed from the report time."""
    _require_manager(actor, ticket)
    _require_open(ticket)
    previous = ticket.severity
    deadlines = compute_deadlines(severity, ticket.created_at)
    ticket.severity = severity
    ticket.due_at = deadlines.due_at
    ticket.follow_up_by = deadlines.follow_up_by
    ticket.updated_at = now
    details = {"from": previous.value, "to": severity.value}
    _append(session, ticket, actor, now, "severity", ticket.status, ticket.status, note, details)
    return ticket


def record_event(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    kind: str,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> TicketEvent:
    """Append an audit row that changes no status (filing, rating, a staff remark)."""
    return _append(session, ticket, actor, now, kind, ticket.status, ticket.status, note, details)


def _require_manager(actor: Actor, ticket: Ticket) -> None:
    if not actor.may_manage:
        raise NotAllowed(f"only staff may change ticket {ticket.number}")


def _require_open(ticket: Ticket) -> None:
    if not ticket.status.is_open:
        raise TicketAlreadyFinished(
            f"{ticket.number} is already {ticket.status.value}; it takes no further change"
        )


def _append(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    kind: str,
    from_status: TicketStatus | None,
    to_status: TicketStatus | None,
    note: str | None,
    details: dict[str, Any] | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        at=now,
        actor=actor.label[:160],
        kind=kind,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        note=note,
        details=details,
    )
    session.add(event)
    return event
