"""回访: the reporter rates a closed ticket from 1 to 5, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.tickets import Ticket, TicketStatus
from bot.tickets.errors import InvalidRating, RatingNotOpen
from bot.tickets.lifecycle import Actor, record_event
from bot.tickets.queries import get_ticket_for_owner

MAX_COMMENT = 500


def record_rating(
    *,
    session: Session,
    channel: str,
    user_id: str,
    number: str,
    rating: int,
    now: datetime,
    comment: str | None = None,
) -> Ticket:
    """Store the owner's rating; TicketNotFound for others' tickets, RatingNotOpen if not due."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRating(f"rating {rating!r} is not a whole number from 1 to 5")
    ticket = get_ticket_for_owner(session=session, channel=channel, user_id=user_id, number=number)
    if ticket.status is not TicketStatus.CLOSED:
        raise RatingNotOpen(f"{ticket.number} is {ticket.status.value}; only closed ones are rated")
    if ticket.rating is not None:
        raise RatingNotOpen(f"{ticket.number} was already rated")
    ticket.rating = rating
    ticket.rating_comment = (comment or "").strip()[:MAX_COMMENT] or None
    ticket.rated_at = now
    ticket.updated_at = now
    record_event(
        session=session,
        ticket=ticket,
        actor=Actor.resident(channel, user_id),
        now=now,
        kind="rated",
        note=ticket.rating_comment,
        details={"rating": rating},
    )
    return ticket
