"""Queues the reporter's notification for a ticket change, in the change's own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.tickets import Ticket, TicketStatus
from bot.notifications.outbox import enqueue
from bot.notifications.sender import Button
from bot.templates import notifications as messages


def notify_status(
    *, session: Session, ticket: Ticket, note: str | None, now: datetime, transfer: bool = False
) -> None:
    buttons: tuple[Button, ...] = ()
    kind = "status"
    if transfer:
        text = messages.transferred(ticket, note)
    elif ticket.status is TicketStatus.DISPATCHED:
        text = messages.dispatched(ticket)
    elif ticket.status is TicketStatus.IN_PROGRESS:
        text = messages.in_progress(ticket, note)
    elif ticket.status is TicketStatus.CLOSED:
        # One message with the 回访 buttons, so the request to rate never overtakes the result.
        text = messages.closed(ticket, note)
        buttons = messages.rating_buttons(ticket.number)
        kind = "rating_request"
    elif ticket.status is TicketStatus.REJECTED:
        text = messages.rejected(ticket, note)
    else:
        return
    enqueue(
        session=session,
        channel=ticket.channel,
        user_id=ticket.channel_user_id,
        text=text,
        buttons=buttons,
        kind=kind,
        ticket_id=ticket.id,
        now=now,
    )
