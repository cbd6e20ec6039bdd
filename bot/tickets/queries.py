"""Reading tickets: a resident's own (ownership enforced here), and staff lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.db.tickets import Ticket, TicketStatus
from bot.tickets.errors import TicketNotFound
from bot.tickets.numbers import parse_number

OPEN_STATUSES = tuple(s for s in TicketStatus if s.is_open)


def tickets_for_owner(
    *,
    session: Session,
    channel: str,
    user_id: str,
    open_only: bool = False,
    limit: int = 10,
) -> list[Ticket]:
    """The resident's own tickets, newest first."""
    query = _owned(channel, user_id)
    if open_only:
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    return list(session.scalars(query.order_by(Ticket.id.desc()).limit(limit)))


def latest_ticket_for_owner(*, session: Session, channel: str, user_id: str) -> Ticket | None:
    """The resident's most recent ticket (我的最新工单), or None."""
    return session.scalars(_owned(channel, user_id).order_by(Ticket.id.desc()).limit(1)).first()


def get_ticket_for_owner(*, session: Session, channel: str, user_id: str, number: str) -> Ticket:
    """The ticket `number` (any typed form) if it is this resident's, else TicketNotFound.

    Someone else's ticket is reported exactly like a missing one, so numbers cannot be probed.
    """
    ticket_id = parse_number(number)
    ticket = session.scalars(_owned(channel, user_id).where(Ticket.id == ticket_id)).first()
    if ticket is None:
        raise TicketNotFound(f"no ticket {number.strip()} among your reports")
    return ticket


def get_ticket(*, session: Session, number: str, for_update: bool = False) -> Ticket:
    """Staff lookup by number; `for_update` locks the row (PostgreSQL) before a change."""
    query = select(Ticket).where(Ticket.id == parse_number(number))
    if for_update:
        query = query.with_for_update()
    ticket = session.scalars(query).first()
    if ticket is None:
        raise TicketNotFound(f"no ticket {number.strip()}")
    return ticket


def list_tickets(
    *,
    session: Session,
    statuses: Sequence[TicketStatus] = (),
    categories: Sequence[str] = (),
    ids: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    grid: str | None = None,
    limit: int = 100,
) -> list[Ticket]:
    """Tickets matching every given filter, newest first."""
    query = select(Ticket)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if categories:
        query = query.where(Ticket.category.in_(categories))
    if ids:
        query = query.where(Ticket.id.in_(ids))
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    if until is not None:
        query = query.where(Ticket.created_at <= until)
    if grid is not None:
        query = query.where(Ticket.grid == grid)
    return list(session.scalars(query.order_by(Ticket.id.desc()).limit(limit)))


def status_counts(*, session: Session) -> dict[TicketStatus, int]:
    rows = session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))
    return {TicketStatus(status): int(count) for status, count in rows}


def closure_rate(counts: dict[TicketStatus, int]) -> float:
    """办结率 as 奉新 reports it: closed among all taken on (returned ones are not counted)."""
    taken = sum(counts.values()) - counts.get(TicketStatus.REJECTED, 0)
    return counts.get(TicketStatus.CLOSED, 0) / taken if taken else 0.0


def _owned(channel: str, user_id: str) -> Select[Ticket]:
    return select(Ticket).where(Ticket.channel == channel, Ticket.channel_user_id == user_id)


def ticket_queue(
    *,
    session: Session,
    statuses: Sequence[TicketStatus] = OPEN_STATUSES,
    categories: Sequence[str] = (),
    severities: Sequence[str] = (),
    channels: Sequence[str] = (),
    grids: Sequence[str] | None = None,
    overdue_at: datetime | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """The staff queue, soonest deadline first. `grids=None` covers every grid, `[]` none;
    `overdue_at` keeps the tickets whose deadline passed before that moment."""
    if grids is not None and not grids:
        return []
    query = select(Ticket)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if categories:
        query = query.where(Ticket.category.in_(categories))
    if severities:
        query = query.where(Ticket.severity.in_(severities))
    if channels:
        query = query.where(Ticket.channel.in_(channels))
    if grids is not None:
        query = query.where(Ticket.grid.in_(grids))
    if overdue_at is not None:
        query = query.where(Ticket.due_at < overdue_at)
    return list(session.scalars(query.order_by(Ticket.due_at, Ticket.id).limit(limit)))


def known_grids(*, session: Session) -> list[str]:
    """Every grid a ticket or a site names, for choosing where to transfer a ticket."""
    names = set(session.scalars(select(Ticket.grid).where(Ticket.grid.is_not(None)).distinct()))
    names |= set(session.scalars(select(Site.grid).where(Site.grid.is_not(None)).distinct()))
    return sorted(n for n in names if n)
