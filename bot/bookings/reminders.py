"""The evening-before reminder: from 18:00 Asia/Shanghai, every active booking of tomorrow
that has not been reminded gets one message through the outbox (once: `reminded_at`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import china_time
from bot.db.bookings import Booking, BookingEvent, BookingStatus
from bot.notifications.outbox import enqueue
from bot.templates import notifications as messages

EVENING = dt.time(18, 0)


def send_reminders(*, session: Session, now: dt.datetime) -> list[str]:
    """Queue tomorrow's reminders if it is evening; returns the booking numbers reminded."""
    local = china_time.to_china(now)
    if local.time() < EVENING:
        return []
    tomorrow = local.date() + dt.timedelta(days=1)
    due = session.scalars(
        select(Booking)
        .where(
            Booking.status.in_([BookingStatus.BOOKED, BookingStatus.PENDING]),
            Booking.reminded_at.is_(None),
            Booking.starts_at >= china_time.to_utc(china_time.at(tomorrow)),
            Booking.starts_at < china_time.to_utc(china_time.at(tomorrow + dt.timedelta(days=1))),
        )
        .order_by(Booking.starts_at, Booking.id)
        .with_for_update(skip_locked=True)
    )
    numbers: list[str] = []
    for booking in due:
        enqueue(
            session=session,
            channel=booking.channel,
            user_id=booking.channel_user_id,
            text=messages.booking_reminder(
                number=booking.number,
                service=booking.service,
                site=booking.site.name,
                address=booking.address or booking.site.address,
                start=booking.starts_at,
                end=booking.ends_at,
                bring=booking.slot.offer.bring,
            ),
            kind="booking_reminder",
            now=now,
        )
        booking.reminded_at = now
        session.add(BookingEvent(booking_id=booking.id, at=now, actor="system", kind="reminded"))
        numbers.append(booking.number)
    return numbers
