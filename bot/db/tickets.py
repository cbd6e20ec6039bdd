"""ORM for problem reports (工单): the ticket itself and its append-only audit trail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base
from bot.db.columns import UtcDateTime, string_enum

NUMBER_PREFIX = "GD"


class TicketStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # 已受理
    DISPATCHED = "dispatched"  # 已派单 (also after 转单)
    IN_PROGRESS = "in_progress"  # 处理中
    CLOSED = "closed"  # 已办结
    REJECTED = "rejected"  # 已退回

    @property
    def is_open(self) -> bool:
        return self not in (TicketStatus.CLOSED, TicketStatus.REJECTED)


class Severity(enum.StrEnum):
    URGENT = "urgent"  # 紧急: on site within 10 minutes
    ORDINARY = "ordinary"  # 普通: solved within 30 minutes
    COMPLEX = "complex"  # 复杂: solved within 4 hours
    MAJOR = "major"  # 特殊重大: a plan within 1 working day


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # Idempotency: one incoming message (or API request) files at most one ticket. NULL
        # message ids (staff-entered tickets) never collide.
        UniqueConstraint("channel", "source_message_id", name="uq_tickets_channel_message"),
        Index("ix_tickets_owner", "channel", "channel_user_id", "id"),
        Index("ix_tickets_status_created", "status", "created_at"),
    )

    # The human number GD000123 is this id: the database hands out ids safely under concurrency.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(200))
    place_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="SET NULL")
    )  # a site the resident named as the place of the problem
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    reporter_phone: Mapped[str | None] = mapped_column(String(20))  # E.164; never shown raw

    channel: Mapped[str] = mapped_column(String(32))
    channel_user_id: Mapped[str] = mapped_column(String(128))
    source_message_id: Mapped[str | None] = mapped_column(String(128))

    severity: Mapped[Severity] = mapped_column(string_enum(Severity, "severity"))
    status: Mapped[TicketStatus] = mapped_column(string_enum(TicketStatus, "status"))
    status_note: Mapped[str | None] = mapped_column(Text)

    grid: Mapped[str | None] = mapped_column(String(64))
    community: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(64))
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="SET NULL"), index=True
    )  # the service site the ticket is routed to

    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    follow_up_by: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )

    @property
    def number(self) -> str:
        return format_number(self.id)

    def is_owned_by(self, channel: str, user_id: str) -> bool:
        return self.channel == channel and self.channel_user_id == user_id


class TicketEvent(Base):
    """One change to a ticket: who, when, what, why. Rows are only ever inserted."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(24))  # created, status, transfer, severity, rated
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


@event.listens_for(TicketEvent, "before_update")
@event.listens_for(TicketEvent, "before_delete")
def _refuse_audit_changes(_mapper: Any, _connection: Any, target: TicketEvent) -> None:
    raise PermissionError(f"ticket_events are append-only (event {target.id})")


def format_number(ticket_id: int) -> str:
    return f"{NUMBER_PREFIX}{ticket_id:06d}"
