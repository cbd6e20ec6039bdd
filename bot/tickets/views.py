"""A ticket as shown to people (staff console, the resident's status check): phone masked."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bot.db.tickets import Ticket
from bot.privacy import mask_address, mask_phone, mask_phones_in_text
from bot.templates.notifications import SEVERITY_LABELS, STATUS_LABELS, format_time


@dataclass(frozen=True)
class TicketView:
    number: str
    category: str
    status: str
    status_label: str  # 已受理 / 已派单 / 处理中 / 已办结 / 已退回
    status_note: str | None
    severity: str
    severity_label: str
    description: str
    address: str | None
    lat: float | None
    lon: float | None
    phone: str | None  # always masked: 138****5678
    photos: int
    grid: str | None
    community: str | None
    department: str | None
    site_id: int | None
    channel: str
    created_at: str  # local time, e.g. 10月1日 20:15
    due_at: str
    follow_up_by: str
    overdue: bool
    rating: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def view_ticket(ticket: Ticket, *, now: datetime, exact_location: bool = False) -> TicketView:
    """`exact_location` is for the staff who go there; everyone else sees a masked address
    and a point rounded to about 100 m."""
    lat, lon = ticket.lat, ticket.lon
    if not exact_location and lat is not None and lon is not None:
        lat, lon = round(lat, 3), round(lon, 3)
    address = ticket.address if exact_location else mask_address(ticket.address) or None
    return TicketView(
        number=ticket.number,
        category=ticket.category,
        status=ticket.status.value,
        status_label=STATUS_LABELS[ticket.status],
        status_note=mask_phones_in_text(ticket.status_note) if ticket.status_note else None,
        severity=ticket.severity.value,
        severity_label=SEVERITY_LABELS[ticket.severity],
        description=mask_phones_in_text(ticket.description),
        address=address,
        lat=lat,
        lon=lon,
        phone=mask_phone(ticket.reporter_phone) or None,
        photos=len(ticket.photos or []),
        grid=ticket.grid,
        community=ticket.community,
        department=ticket.department,
        site_id=ticket.site_id,
        channel=ticket.channel,
        created_at=format_time(ticket.created_at),
        due_at=format_time(ticket.due_at),
        follow_up_by=format_time(ticket.follow_up_by),
        overdue=ticket.status.is_open and now > ticket.due_at,
        rating=ticket.rating,
    )
