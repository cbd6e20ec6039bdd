"""Booking, cancelling, confirming and closing a day; every change is a history event, and the
resident is told through the outbox when staff change a booking. Nothing here commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import china_time
from bot.bookings.catalogue import defaults_for
from bot.bookings.errors import (
    BookingNotActive,
    BookingNotFound,
    InvalidOffer,
    InvalidSession,
    SameSlot,
    SlotFull,
    SlotUnavailable,
)
from bot.bookings.numbers import parse_number
from bot.bookings.slots import SlotView, free_slots, offer_for, slots_on
from bot.db.bookings import (
    Booking,
    BookingEvent,
    BookingOffer,
    BookingSlot,
    BookingStatus,
    ExtraSession,
    SiteClosure,
)
from bot.db.sites import Site
from bot.notifications.outbox import enqueue
from bot.templates import notifications as messages

RESIDENT = "resident"


@dataclass(frozen=True)
class NewBooking:
    channel: str
    user_id: str
    site_id: int
    service: str  # canonical vocabulary name
    start: dt.datetime  # aware; the start of one of the offer's slots
    people: int = 1
    phone: str | None = None  # E.164, already validated
    address: str | None = None  # home services (上门)
    grid: str | None = None  # the grid serving the address


def book(*, session: Session, request: NewBooking, now: dt.datetime) -> Booking:
    """Take a place in a slot; raises SlotFull, SlotUnavailable or NotBookable.

    The slot's `booked` is raised by one conditional UPDATE (`booked + n <= capacity`): on
    PostgreSQL concurrent bookings queue on the row lock and each re-checks the condition, so a
    slot never takes more than its capacity; the CHECK constraint backs this up.
    """
    site = session.get(Site, request.site_id)
    if site is None:
        raise SlotUnavailable(f"no site {request.site_id}")
    offer = offer_for(session=session, site=site, service=request.service)
    start = china_time.to_china(request.start)
    view = next(
        (s for s in slots_on(session=session, offer=offer, day=start.date(), now=now)
         if s.start == start),
        None,
    )  # fmt: skip
    if view is None:
        raise SlotUnavailable(f"{start.isoformat()} is not a bookable time at {site.name}")
    need = request.people if offer.per_person else 1
    if need > view.capacity:
        raise SlotFull(f"{need} people exceed the slot's capacity of {view.capacity}")
    slot = _slot_row(session, offer, view)
    taken = session.execute(
        update(BookingSlot)
        .where(BookingSlot.id == slot.id, BookingSlot.booked + need <= BookingSlot.capacity)
        .values(booked=BookingSlot.booked + need)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise SlotFull(f"{start.isoformat()} at {site.name} is fully booked")
    session.expire(slot)  # the UPDATE ran in the database; reread `booked` when next asked
    defaults = defaults_for(request.service)
    home = defaults is not None and defaults.home
    booking = Booking(
        slot_id=slot.id,
        site_id=site.id,
        service=request.service,
        starts_at=view.start,
        ends_at=view.end,
        people=request.people,
        phone=request.phone,
        address=request.address,
        grid=request.grid,
        channel=request.channel,
        channel_user_id=request.user_id,
        status=BookingStatus.PENDING if home else BookingStatus.BOOKED,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.flush()
    _event(session, booking, now, RESIDENT, "created", None, booking.status, None)
    return booking


def reschedule(
    *,
    session: Session,
    booking: Booking,
    start: dt.datetime,
    now: dt.datetime,
    actor: str = RESIDENT,
) -> Booking:
    """Move a booking to another slot of the same offer: the new one is booked first, then the
    old one cancelled, in the caller's transaction. If the new slot is full (SlotFull) or no
    slot (SlotUnavailable), nothing has changed and the old booking stands. Returns the new
    booking; both histories say where it went."""
    if not booking.status.is_active:
        raise BookingNotActive(f"{booking.number} is {booking.status.value}")
    if china_time.to_china(start) == china_time.to_china(booking.starts_at):
        raise SameSlot(f"{booking.number} is already at {start.isoformat()}")
    request = NewBooking(
        channel=booking.channel,
        user_id=booking.channel_user_id,
        site_id=booking.site_id,
        service=booking.service,
        start=start,
        people=booking.people,
        phone=booking.phone,
        address=booking.address,
        grid=booking.grid,
    )
    moved = book(session=session, request=request, now=now)
    cancel(session=session, booking=booking, now=now, actor=RESIDENT, note=None)
    _event(
        session,
        booking,
        now,
        actor,
        "rescheduled",
        None,
        None,
        moved.number,
        details={"moved_to": moved.number, "to_start": moved.starts_at.isoformat()},
    )
    _event(session, moved, now, actor, "rescheduled", None, None, booking.number,
           details={"moved_from": booking.number, "from_start": booking.starts_at.isoformat()})  # fmt: skip
    return moved


MAX_SLOT_MINUTES = 480
MAX_CAPACITY = 500


def tune_offer(
    *,
    session: Session,
    offer: BookingOffer,
    now: dt.datetime,
    slot_minutes: int | None = None,
    capacity: int | None = None,
    bring: str | None = None,
) -> BookingOffer:
    """Staff tune a site's offer. A new capacity also applies to the slots already booked that
    have not started, but never below what they hold (nobody loses a place); a new slot length
    applies to slots not booked yet (bookings keep their times)."""
    if slot_minutes is not None and not 5 <= slot_minutes <= MAX_SLOT_MINUTES:
        raise InvalidOffer(f"slot length {slot_minutes} is outside 5-{MAX_SLOT_MINUTES}")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidOffer(f"capacity {capacity} is outside 1-{MAX_CAPACITY}")
    if slot_minutes is not None:
        offer.slot_minutes = slot_minutes
    if bring is not None:
        offer.bring = bring
    if capacity is not None:
        offer.capacity = capacity
        future = session.scalars(
            select(BookingSlot)
            .where(BookingSlot.offer_id == offer.id, BookingSlot.starts_at > now)
            .with_for_update()
        )
        for slot in future:
            slot.capacity = max(capacity, slot.booked)
    session.flush()
    return offer


def _slot_row(session: Session, offer: BookingOffer, view: SlotView) -> BookingSlot:
    query = select(BookingSlot).where(
        BookingSlot.offer_id == offer.id, BookingSlot.starts_at == china_time.to_utc(view.start)
    )
    slot = session.scalars(query).first()
    if slot is not None:
        return slot
    slot = BookingSlot(
        offer_id=offer.id, starts_at=view.start, ends_at=view.end, capacity=view.capacity, booked=0
    )
    try:
        with session.begin_nested():
            session.add(slot)
    except IntegrityError:  # created by a concurrent first booking of this slot
        return session.scalars(query).one()
    return slot


def cancel(
    *,
    session: Session,
    booking: Booking,
    now: dt.datetime,
    actor: str = RESIDENT,
    note: str | None = None,
) -> Booking:
    """Cancel and free the place; when staff cancel, the resident is told, with other times."""
    if not booking.status.is_active:
        raise BookingNotActive(f"{booking.number} is {booking.status.value}")
    need = booking.people if booking.slot.offer.per_person else 1
    session.execute(
        update(BookingSlot)
        .where(BookingSlot.id == booking.slot_id)
        .values(booked=BookingSlot.booked - need)
        .execution_options(synchronize_session=False)
    )
    session.expire(booking.slot)
    before = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.status_note = note
    booking.updated_at = now
    _event(session, booking, now, actor, "status", before, booking.status, note)
    if actor != RESIDENT:
        choice = free_slots(
            session=session, offer=booking.slot.offer, wished=None, now=now, limit=3
        )
        alternatives = "、".join(messages.slot_label(s.start, s.end) for s in choice.slots)
        _tell(
            session,
            booking,
            now,
            messages.booking_cancelled_by_staff(
                number=booking.number,
                service=booking.service,
                site=booking.site.name,
                start=booking.starts_at,
                note=note,
                alternatives=alternatives,
            ),
        )
    return booking


def confirm(*, session: Session, booking: Booking, now: dt.datetime, actor: str) -> Booking:
    """Staff confirm a home-service booking (待确认 → 已预约); the resident is told."""
    if booking.status is not BookingStatus.PENDING:
        raise BookingNotActive(f"{booking.number} is not waiting for confirmation")
    booking.status = BookingStatus.BOOKED
    booking.updated_at = now
    _event(session, booking, now, actor, "status", BookingStatus.PENDING, booking.status, None)
    _tell(
        session,
        booking,
        now,
        messages.booking_confirmed_by_staff(
            number=booking.number,
            service=booking.service,
            start=booking.starts_at,
            end=booking.ends_at,
        ),
    )
    return booking


def close_day(
    *, session: Session, site: Site, day: dt.date, note: str, actor: str, now: dt.datetime
) -> list[Booking]:
    """Close the site for bookings on `day`; active bookings that day are cancelled (and the
    residents told, with other times). Returns those bookings."""
    exists = session.scalars(
        select(SiteClosure).where(SiteClosure.site_id == site.id, SiteClosure.day == day)
    ).first()
    if exists is None:
        session.add(SiteClosure(site_id=site.id, day=day, note=note, created_at=now))
        session.flush()
    affected = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.site_id == site.id,
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.PENDING]),
                Booking.starts_at >= china_time.to_utc(china_time.at(day)),
                Booking.starts_at < china_time.to_utc(china_time.at(day + dt.timedelta(days=1))),
            )
            .order_by(Booking.starts_at, Booking.id)
            .with_for_update()
        )
    )
    for booking in affected:
        cancel(session=session, booking=booking, now=now, actor=actor, note=note)
    return affected


def add_extra_session(
    *,
    session: Session,
    offer: BookingOffer,
    day: dt.date,
    opens: dt.time,
    closes: dt.time,
    note: str,
    now: dt.datetime,
) -> ExtraSession:
    """Staff open an offer for extra hours on `day`, beyond the site's usual hours (also on a
    day it is normally shut). The same start again changes that session instead of adding one."""
    if closes <= opens:
        raise InvalidSession(f"the session ends ({closes}) before it starts ({opens})")
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    if minutes < offer.slot_minutes:
        raise InvalidSession(f"{minutes} minutes hold no {offer.slot_minutes}-minute slot")
    if china_time.at(day, closes) <= now:
        raise InvalidSession(f"{day} {closes} is past")
    closed = session.scalars(
        select(SiteClosure.id).where(SiteClosure.site_id == offer.site_id, SiteClosure.day == day)
    ).first()
    if closed is not None:
        raise InvalidSession(f"the site is closed for bookings on {day}")
    extra = session.scalars(
        select(ExtraSession).where(
            ExtraSession.offer_id == offer.id, ExtraSession.day == day, ExtraSession.opens == opens
        )
    ).first()
    if extra is None:
        extra = ExtraSession(offer_id=offer.id, day=day, opens=opens, created_at=now)
        session.add(extra)
    extra.closes = closes
    extra.note = note
    session.flush()
    return extra


def get_booking(*, session: Session, number: str, for_update: bool = False) -> Booking:
    query = select(Booking).where(Booking.id == parse_number(number))
    booking = session.scalars(query.with_for_update() if for_update else query).first()
    if booking is None:
        raise BookingNotFound(f"no booking {number}")
    return booking


def get_booking_for_owner(*, session: Session, channel: str, user_id: str, number: str) -> Booking:
    """The resident's own booking; someone else's is reported as not found, never shown."""
    booking = get_booking(session=session, number=number, for_update=True)
    if not booking.is_owned_by(channel, user_id):
        raise BookingNotFound(f"no booking {number} for this resident")
    return booking


def upcoming_for_owner(
    *, session: Session, channel: str, user_id: str, now: dt.datetime
) -> list[Booking]:
    """The resident's active bookings that have not ended yet, soonest first."""
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.channel == channel,
                Booking.channel_user_id == user_id,
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.PENDING]),
                Booking.ends_at > now,
            )
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def list_bookings(
    *,
    session: Session,
    site_id: int | None = None,
    day: dt.date | None = None,
    status: BookingStatus | None = None,
    limit: int = 200,
) -> list[Booking]:
    query = select(Booking).order_by(Booking.starts_at, Booking.id).limit(limit)
    if site_id is not None:
        query = query.where(Booking.site_id == site_id)
    if status is not None:
        query = query.where(Booking.status == status)
    if day is not None:
        query = query.where(
            Booking.starts_at >= china_time.to_utc(china_time.at(day)),
            Booking.starts_at < china_time.to_utc(china_time.at(day + dt.timedelta(days=1))),
        )
    return list(session.scalars(query))


def _tell(session: Session, booking: Booking, now: dt.datetime, text: str) -> None:
    enqueue(
        session=session,
        channel=booking.channel,
        user_id=booking.channel_user_id,
        text=text,
        kind="booking",
        now=now,
    )


def _event(
    session: Session,
    booking: Booking,
    now: dt.datetime,
    actor: str,
    kind: str,
    before: BookingStatus | None,
    after: BookingStatus | None,
    note: str | None,
    *,
    details: dict[str, str] | None = None,
) -> None:
    session.add(
        BookingEvent(
            details=details,
            booking_id=booking.id,
            at=now,
            actor=actor,
            kind=kind,
            from_status=before.value if before else None,
            to_status=after.value if after else None,
            note=note,
        )
    )
