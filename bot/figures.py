"""The figures staff watch, for a period: 办结率, the 1341 on-time rates, time to close,
satisfaction, open tickets per grid, conversations per day, fallback and low-confidence share,
handoffs per day and their waiting time. Plain reads; nothing here commits.

Definitions (the reports name the figures, not how to count them):
- tickets are those filed in the period; 办结率 = closed / (filed - returned), as in 奉新;
- on time, per severity: ordinary and complex tickets were closed by their deadline; urgent
  (on site in 10 minutes) and major (a plan within a day) count the first staff action —
  dispatch, transfer, start or close — since arrival and plans are not recorded separately.
  Only decided tickets count: closed ones, or open ones whose deadline has passed;
- median time to close and satisfaction (mean 回访 rating, 1-5) over the period's tickets;
- open per grid is now, whatever the period;
- conversations per day: conversations with a resident message that (local) day; a message
  is low-confidence below the threshold, ignoring buttons and shared locations (as the record
  does); fallback is Rasa's `nlu_fallback`;
- handoffs per day by request day; waiting time from request to claim (claimed ones only).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot import china_time
from bot.conversations import store
from bot.conversations.record import FALLBACK_INTENT
from bot.db.handoffs import Handoff
from bot.db.tickets import Severity, Ticket, TicketStatus
from bot.tickets.queries import OPEN_STATUSES

FIRST_ACTION_KINDS = frozenset({"status", "transfer"})
FIRST_ACTION_TARGETS = frozenset({Severity.URGENT, Severity.MAJOR})


@dataclass(frozen=True)
class Period:
    start: datetime  # aware; inclusive
    end: datetime  # aware; exclusive


@dataclass
class TicketFigures:
    filed: int = 0
    closed: int = 0
    rejected: int = 0
    closure_rate: float | None = None
    on_time: dict[Severity, float | None] = field(default_factory=dict)
    decided: dict[Severity, int] = field(default_factory=dict)
    median_close_minutes: float | None = None
    satisfaction: float | None = None
    ratings: int = 0
    open_per_grid: dict[str, int] = field(default_factory=dict)


@dataclass
class ConversationFigures:
    per_day: dict[date, int] = field(default_factory=dict)
    messages: int = 0
    fallback_share: float | None = None
    low_confidence_share: float | None = None


@dataclass
class HandoffFigures:
    per_day: dict[date, int] = field(default_factory=dict)
    requested: int = 0
    claimed: int = 0
    median_wait_minutes: float | None = None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def ticket_figures(
    session: Session, *, period: Period, now: datetime, grids: Sequence[str] | None = None
) -> TicketFigures:
    """`grids=None`: every grid; otherwise only tickets of these grids."""
    query = (
        select(Ticket)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .options(selectinload(Ticket.events))
    )
    if grids is not None:
        query = query.where(Ticket.grid.in_(grids))
    tickets = list(session.scalars(query))
    out = TicketFigures(filed=len(tickets))
    out.closed = sum(t.status is TicketStatus.CLOSED for t in tickets)
    out.rejected = sum(t.status is TicketStatus.REJECTED for t in tickets)
    out.closure_rate = _share(out.closed, out.filed - out.rejected)
    met: Counter[Severity] = Counter()
    decided: Counter[Severity] = Counter()
    for ticket in tickets:
        verdict = _on_time(ticket, now)
        if verdict is not None:
            decided[ticket.severity] += 1
            met[ticket.severity] += verdict
    out.decided = {s: decided[s] for s in Severity}
    out.on_time = {s: _share(met[s], decided[s]) for s in Severity}
    minutes = [(t.closed_at - t.created_at).total_seconds() / 60 for t in tickets if t.closed_at]
    out.median_close_minutes = statistics.median(minutes) if minutes else None
    ratings = [t.rating for t in tickets if t.rating]
    out.ratings = len(ratings)
    out.satisfaction = statistics.fmean(ratings) if ratings else None
    open_query = (
        select(Ticket.grid, func.count())
        .where(Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.grid)
    )
    if grids is not None:
        open_query = open_query.where(Ticket.grid.in_(grids))
    out.open_per_grid = {grid or "未分派": int(n) for grid, n in session.execute(open_query)}
    return out


def _on_time(ticket: Ticket, now: datetime) -> bool | None:
    """Whether the ticket met its 1341 target; None while that is not decided yet."""
    if ticket.severity in FIRST_ACTION_TARGETS:
        staff = [
            e.at
            for e in ticket.events
            if e.kind in FIRST_ACTION_KINDS and not e.actor.startswith("resident:")
        ]
        if staff:
            return min(staff) <= ticket.due_at
    elif ticket.closed_at is not None:
        return ticket.closed_at <= ticket.due_at
    if ticket.status is TicketStatus.REJECTED:
        return None
    return False if now > ticket.due_at else None


def conversation_figures(
    tracker: Session, *, period: Period, threshold: float
) -> ConversationFigures:
    out = ConversationFigures()
    days: dict[date, set[str]] = {}
    fallbacks = low = guessed = 0
    end = period.end.timestamp()
    for event in store.user_events(tracker, since=period.start.timestamp()):
        if event.timestamp >= end:
            continue
        out.messages += 1
        day = china_time.to_china(
            datetime.fromtimestamp(event.timestamp, tz=period.start.tzinfo)
        ).date()
        days.setdefault(day, set()).add(event.sender_id)
        parse = event.data.get("parse_data") or {}
        intent = parse.get("intent") or {}
        if str(event.data.get("text") or "").startswith("/"):
            continue  # a button or a shared location: nothing was guessed
        guessed += 1
        if intent.get("name") == FALLBACK_INTENT:
            fallbacks += 1
            low += 1
            continue
        confidence = intent.get("confidence")
        if isinstance(confidence, int | float) and confidence < threshold:
            low += 1
    out.per_day = {d: len(s) for d, s in sorted(days.items())}
    out.fallback_share = _share(fallbacks, guessed)
    out.low_confidence_share = _share(low, guessed)
    return out


def handoff_figures(session: Session, *, period: Period) -> HandoffFigures:
    rows = list(
        session.scalars(
            select(Handoff).where(
                Handoff.requested_at >= period.start, Handoff.requested_at < period.end
            )
        )
    )
    out = HandoffFigures(requested=len(rows))
    per_day: Counter[date] = Counter(china_time.to_china(h.requested_at).date() for h in rows)
    out.per_day = dict(sorted(per_day.items()))
    waits = [(h.claimed_at - h.requested_at).total_seconds() / 60 for h in rows if h.claimed_at]
    out.claimed = len(waits)
    out.median_wait_minutes = statistics.median(waits) if waits else None
    return out
