"""Slots from the site's weekly hours (lunch breaks included), statutory holidays and 调休,
closed days and what is already booked; and the free slots nearest to a wished time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import china_time
from bot.bookings import fair
from bot.bookings.catalogue import defaults_for
from bot.bookings.dates import When
from bot.bookings.errors import NotBookable
from bot.db.bookings import BookingOffer, BookingSlot, ExtraSession, SiteClosure
from bot.db.sites import Site
from bot.sites.hours import HolidayPolicy
from bot.sites.opening import intervals_on
from bot.sites.registry import weekly_hours

MAX_CHOICES = 5
HORIZON_DAYS = 21  # how far ahead slots are offered
FAIR_HORIZON_DAYS = 42
LOOK_BACK_DAYS = 3  # how far before a wished day "nearest before" may go


@dataclass(frozen=True)
class SlotView:
    start: dt.datetime  # Asia/Shanghai
    end: dt.datetime
    capacity: int
    free: int

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "free": self.free,
            "capacity": self.capacity,
        }


@dataclass(frozen=True)
class SlotChoice:
    """Free slots to offer; `exact` when they lie in the wished period, else the nearest."""

    slots: tuple[SlotView, ...]
    exact: bool


def offers_service(site: Site, service: str) -> bool:
    defaults = defaults_for(service)
    if defaults is not None and defaults.fair:
        return site.kind == fair.HOST_KIND  # every community centre holds the fair
    return defaults is not None and service in {s.name for s in site.services}


def horizon_days(offer: BookingOffer) -> int:
    # The next fair may be five weeks away; other services are offered three weeks ahead.
    return FAIR_HORIZON_DAYS if offer.service == fair.SERVICE else HORIZON_DAYS


def offer_for(*, session: Session, site: Site, service: str) -> BookingOffer:
    """The site's offer for `service`, created from the catalogue defaults on first use."""
    offer = session.scalars(
        select(BookingOffer).where(BookingOffer.site_id == site.id, BookingOffer.service == service)
    ).first()
    if offer is not None:
        return offer
    defaults = defaults_for(service)
    if defaults is None or not offers_service(site, service):
        raise NotBookable(f"{site.name} takes no bookings for {service}")
    offer = BookingOffer(
        site_id=site.id,
        service=service,
        slot_minutes=defaults.slot_minutes,
        capacity=defaults.capacity,
        per_person=defaults.per_person,
        bring=defaults.bring,
    )
    # Two first bookings at once may both create it: the loser reads the winner's row.
    try:
        with session.begin_nested():
            session.add(offer)
    except IntegrityError:
        return session.scalars(
            select(BookingOffer).where(
                BookingOffer.site_id == site.id, BookingOffer.service == service
            )
        ).one()
    return offer


def is_closed_day(*, session: Session, site_id: int, day: dt.date) -> bool:
    query = select(SiteClosure.id).where(SiteClosure.site_id == site_id, SiteClosure.day == day)
    return session.scalars(query).first() is not None


def extra_sessions_on(*, session: Session, offer: BookingOffer, day: dt.date) -> list[ExtraSession]:
    query = select(ExtraSession).where(ExtraSession.offer_id == offer.id, ExtraSession.day == day)
    return list(session.scalars(query.order_by(ExtraSession.opens)))


def slots_on(
    *, session: Session, offer: BookingOffer, day: dt.date, now: dt.datetime
) -> list[SlotView]:
    """Every slot of `day` that has not started yet, full ones included (free == 0)."""
    site = offer.site
    hours = weekly_hours(site)
    if is_closed_day(session=session, site_id=site.id, day=day):
        return []
    intervals: list[tuple[int, int]] = []
    if offer.service == fair.SERVICE:
        if fair.is_fair_day(day):
            intervals.append((_minutes(fair.OPENS), _minutes(fair.CLOSES)))
    elif hours is not None:
        intervals += intervals_on(hours, HolidayPolicy(site.holiday), day)
    # Staff's extra sessions count even on a day the site is normally shut (a Sunday 义诊).
    intervals += [
        (_minutes(extra.opens), _minutes(extra.closes))
        for extra in extra_sessions_on(session=session, offer=offer, day=day)
    ]
    length = dt.timedelta(minutes=offer.slot_minutes)
    found: set[dt.datetime] = set()
    for opens, closes in intervals:
        minute = opens
        while minute + offer.slot_minutes <= closes:
            found.add(china_time.at(day) + dt.timedelta(minutes=minute))
            minute += offer.slot_minutes
    # An extra session overlapping the usual hours must not list a slot twice.
    starts = sorted(s for s in found if s > now)
    if not starts:
        return []
    booked = {
        china_time.to_china(slot.starts_at): slot
        for slot in session.scalars(
            select(BookingSlot).where(
                BookingSlot.offer_id == offer.id,
                BookingSlot.starts_at >= china_time.to_utc(starts[0]),
                BookingSlot.starts_at <= china_time.to_utc(starts[-1]),
            )
        )
    }
    views = []
    for start in starts:
        row = booked.get(start)
        capacity = row.capacity if row else offer.capacity
        views.append(
            SlotView(start, start + length, capacity, capacity - (row.booked if row else 0))
        )
    return views


def free_slots(
    *,
    session: Session,
    offer: BookingOffer,
    wished: When | None,
    now: dt.datetime,
    people: int = 1,
    limit: int = MAX_CHOICES,
) -> SlotChoice:
    """Up to `limit` free slots: those in the wished period, else the nearest before and after
    it (a wish for a full or closed time); with no wish, the next ones from now."""
    now = china_time.to_china(now)
    need = people if offer.per_person else 1
    if wished is None:
        high = now + dt.timedelta(days=horizon_days(offer))
        found = _free_between(session, offer, now, high, now, need)
        return SlotChoice(tuple(found[:limit]), exact=False)
    windows = [(wished.start, wished.end)]
    if wished.alternative is not None:
        windows.append((wished.alternative, wished.alternative + (wished.end - wished.start)))
    for start, end in windows:
        inside = [
            s for s in slots_on(session=session, offer=offer, day=start.date(), now=now)
            if start <= s.start < end
        ]  # fmt: skip
        # Another day in the window (a range such as 这个月底 spans several days).
        day = start.date() + dt.timedelta(days=1)
        while china_time.at(day) < end:
            inside += [
                s for s in slots_on(session=session, offer=offer, day=day, now=now) if s.start < end
            ]
            day += dt.timedelta(days=1)
        if not inside:
            continue  # closed (or past) then: try the other reading, else the nearest
        free = [s for s in inside if s.free >= need]
        if free:
            return SlotChoice(tuple(free[:limit]), exact=True)
        break
    target = wished.start
    low = max(now, target - dt.timedelta(days=LOOK_BACK_DAYS))
    high = target + dt.timedelta(days=horizon_days(offer))
    around = _free_between(session, offer, low, high, now, need)
    nearest = sorted(around, key=lambda s: abs((s.start - target).total_seconds()))[:limit]
    return SlotChoice(tuple(sorted(nearest, key=lambda s: s.start)), exact=False)


def _free_between(
    session: Session,
    offer: BookingOffer,
    low: dt.datetime,
    high: dt.datetime,
    now: dt.datetime,
    need: int,
) -> list[SlotView]:
    found: list[SlotView] = []
    day = low.date()
    while day <= high.date():
        found += [
            s
            for s in slots_on(session=session, offer=offer, day=day, now=now)
            if s.free >= need and low <= s.start <= high
        ]
        day += dt.timedelta(days=1)
    return found


def _minutes(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute
