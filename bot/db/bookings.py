"""ORM for bookings (预约): what a site offers by appointment, its slots, closed days, the
bookings themselves and their append-only history."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base
from bot.db.columns import UtcDateTime, string_enum
from bot.db.sites import Site

NUMBER_PREFIX = "YY"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"  # 已预约
    PENDING = "pending"  # 待确认 (home services, until staff confirm)
    CANCELLED = "cancelled"  # 已取消
    DONE = "done"  # 已完成
    NO_SHOW = "no_show"  # 未到

    @property
    def is_active(self) -> bool:
        return self in (BookingStatus.BOOKED, BookingStatus.PENDING)


class BookingOffer(Base):
    """A service a site takes bookings for: slot length, capacity, and what to bring."""

    __tablename__ = "booking_offers"
    __table_args__ = (
        UniqueConstraint("site_id", "service", name="uq_booking_offers_site_service"),
        CheckConstraint("slot_minutes > 0 AND capacity > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(64))  # canonical vocabulary name
    slot_minutes: Mapped[int] = mapped_column(SmallInteger)
    capacity: Mapped[int] = mapped_column(SmallInteger)
    per_person: Mapped[bool] = mapped_column(Boolean, default=False)  # capacity counts people
    bring: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship()


class BookingSlot(Base):
    """One bookable period of an offer. Created on first booking; `booked` is raised only by a
    conditional UPDATE, and the CHECK makes overbooking impossible whatever the code does."""

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("offer_id", "starts_at", name="uq_booking_slots_offer_start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("booking_offers.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(SmallInteger)
    booked: Mapped[int] = mapped_column(SmallInteger, default=0)

    offer: Mapped[BookingOffer] = relationship()


class SiteClosure(Base):
    """A day staff closed a site for bookings (`bookings close-day`)."""

    __tablename__ = "site_closures"
    __table_args__ = (UniqueConstraint("site_id", "day", name="uq_site_closures_site_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ExtraSession(Base):
    """Hours staff add to an offer on one day (`bookings extra-session`), beyond the site's
    usual opening hours: a Sunday 义诊, an evening legal-aid session."""

    __tablename__ = "booking_extra_sessions"
    __table_args__ = (
        UniqueConstraint("offer_id", "day", "opens", name="uq_booking_extra_sessions_offer_day"),
        CheckConstraint("closes > opens", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("booking_offers.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_owner", "channel", "channel_user_id", "starts_at"),
        Index("ix_bookings_status_start", "status", "starts_at"),
        CheckConstraint("people > 0", name="people"),
    )

    # The human number YY000123 is this id, handed out by the database.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    service: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    people: Mapped[int] = mapped_column(SmallInteger, default=1)
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164; never shown raw
    address: Mapped[str | None] = mapped_column(String(200))  # home services (上门)
    grid: Mapped[str | None] = mapped_column(String(64))  # the grid serving `address`

    channel: Mapped[str] = mapped_column(String(32))
    channel_user_id: Mapped[str] = mapped_column(String(128))

    status: Mapped[BookingStatus] = mapped_column(string_enum(BookingStatus, "status"))
    status_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    site: Mapped[Site] = relationship()
    slot: Mapped[BookingSlot] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id"
    )

    @property
    def number(self) -> str:
        return format_number(self.id)

    def is_owned_by(self, channel: str, user_id: str) -> bool:
        return self.channel == channel and self.channel_user_id == user_id


class BookingEvent(Base):
    """One change to a booking: who, when, what, why. Rows are only ever inserted."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(24))  # created, status, reminded
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    booking: Mapped[Booking] = relationship(back_populates="events")


@event.listens_for(BookingEvent, "before_update")
@event.listens_for(BookingEvent, "before_delete")
def _refuse_history_changes(_mapper: Any, _connection: Any, target: BookingEvent) -> None:
    raise PermissionError(f"booking_events are append-only (event {target.id})")


def format_number(booking_id: int) -> str:
    return f"{NUMBER_PREFIX}{booking_id:06d}"
