"""Actions about bookings: starting with what the first message said, the booking form's
answers, offering real free slots as buttons, booking the one tapped, listing and cancelling
the resident's own bookings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import context
from actions.conversation import channel_and_user, latest_entity, latest_text
from actions.replies import utter_error
from actions.report_form import is_cancel
from bot import china_time
from bot.bookings import fair
from bot.bookings import service as bookings
from bot.bookings.catalogue import bookable_services, defaults_for
from bot.bookings.changes import day_meant, pick_slot, points_at_latest, read_change
from bot.bookings.dates import Grain, When, parse_when
from bot.bookings.errors import (
    BookingError,
    DateNotUnderstood,
    PastTime,
    SlotFull,
    SlotUnavailable,
)
from bot.bookings.numbers import find_number
from bot.bookings.places import home_site_for, people_answer, people_in, site_for
from bot.bookings.slots import SlotView, free_slots, offer_for
from bot.db.bookings import Booking, BookingStatus
from bot.db.sites import Site
from bot.privacy import mask_phone
from bot.sites.coords import valid_point
from bot.templates import phrases
from bot.templates.notifications import BOOKING_STATUS_LABELS, day_label, slot_label
from bot.tickets.errors import InvalidPhone
from bot.tickets.phones import find_phone, normalize_phone

logger = logging.getLogger(__name__)
Events = list[dict[str, Any]]
BOOKING_SLOTS = (
    "booking_service",
    "booking_place",
    "booking_site_id",
    "booking_when",
    "booking_people",
    "booking_phone",
)
NO_PHONE = "none"
SHARED = "__shared_location__"
CANCELLED = "__cancelled__"
MAX_LISTED = 5


def clear_booking() -> Events:
    return [SlotSet(slot, None) for slot in BOOKING_SLOTS]


def bookable(phrase: str | None) -> str | None:
    canonical = context.vocabulary().canonical_service(phrase) if phrase else None
    return canonical if canonical in bookable_services() else None


def is_home(service: str) -> bool:
    defaults = defaults_for(service)
    return defaults is not None and defaults.home


def counts_people(service: str) -> bool:
    defaults = defaults_for(service)
    return defaults is not None and defaults.per_person


def phone_of(tracker: Tracker) -> str | None:
    phone = tracker.get_slot("booking_phone")
    return None if phone in (None, "", NO_PHONE) else str(phone)


def slot_payload(start: str, site_id: int, service: str) -> str:
    return (
        f'/book_slot{{"slot_start": "{start}", "booking_site_id": "{site_id}", '
        f'"service": "{service}"}}'
    )


def cancel_payload(number: str) -> str:
    return f'/cancel_booking{{"booking_number": "{number}"}}'


def change_payload(number: str, start: str | None = None) -> str:
    if start is None:
        return f'/change_booking{{"booking_number": "{number}"}}'
    return f'/change_booking{{"booking_number": "{number}", "slot_start": "{start}"}}'


def wished_time(tracker: Tracker) -> When | None:
    text = tracker.get_slot("booking_when")
    try:
        return parse_when(str(text), now=china_time.now()) if text else None
    except DateNotUnderstood:
        # The fair is asked for by month ("报名下个月的大集"), which is no day.
        if text and tracker.get_slot("booking_service") == fair.SERVICE:
            return fair.wish_in(str(text), china_time.now())
        return None


class ActionStartBooking(Action):
    """Takes from the first message what it already says: service, place, time, people."""

    def name(self) -> str:
        return "action_start_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        text = latest_text(tracker)
        named = latest_entity(tracker, "service")
        service = bookable(named)
        if named and service is None:
            dispatcher.utter_message(response="utter_booking_service_not_bookable", service=named)
        when: str | None = None
        # Entity words are no times, whatever they contain (四点半课堂 is no 16:30).
        phone = find_phone(text) if not text.startswith("/") else None
        spoken = _without_phone(text)
        for entity in tracker.latest_message.get("entities") or []:
            spoken = spoken.replace(str(entity.get("value") or ""), " ")
            spoken = spoken.replace(text[entity.get("start", 0) : entity.get("end", 0)], " ")
        if not text.startswith("/"):
            try:
                when = parse_when(spoken, now=china_time.now()).text
            except PastTime:
                dispatcher.utter_message(response="utter_booking_past_time")
            except DateNotUnderstood:
                fair_month = fair.wish_in(spoken, china_time.now())
                when = fair_month.text if service == fair.SERVICE and fair_month else None
        place = latest_entity(tracker, "place") or latest_entity(tracker, "community")
        return [
            *clear_booking(),
            SlotSet("booking_service", service),
            SlotSet("booking_place", place),
            SlotSet("booking_when", when),
            SlotSet("booking_people", people_in(_without_phone(text))),
            SlotSet("booking_phone", phone),
        ]


def _without_phone(text: str) -> str:
    """The text with digit runs long enough to be phone numbers blanked (no time, no count)."""
    return re.sub(r"\+?\d[\d\s-]{6,}\d", " ", text)


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """People only where the service counts people; nothing more once cancelled."""
        service = tracker.get_slot("booking_service")
        if service == CANCELLED or tracker.get_slot("booking_place") == CANCELLED:
            return ["booking_service", "booking_place"]
        if service and not counts_people(str(service)):
            return [slot for slot in domain_slots if slot != "booking_people"]
        return domain_slots

    def _cancelled(self, tracker: Tracker) -> dict[str, Any] | None:
        if is_cancel(latest_text(tracker), context.vocabulary()):
            return {"booking_service": CANCELLED, "booking_place": CANCELLED}
        return None

    def validate_booking_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == CANCELLED:
            return {"booking_service": CANCELLED}
        cancelled = self._cancelled(tracker)
        if cancelled:
            return cancelled
        service = bookable(str(value)) or bookable(latest_entity(tracker, "service"))
        if service is None:
            dispatcher.utter_message(response="utter_booking_service_not_bookable", service=value)
        return {"booking_service": service}

    def validate_booking_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        service = tracker.get_slot("booking_service")
        if value == CANCELLED or service == CANCELLED:
            return {"booking_place": CANCELLED}
        cancelled = self._cancelled(tracker)
        if cancelled:
            return cancelled
        if not service:
            return {"booking_place": value}  # resolved once the service is known
        with context.transaction() as session:
            site = self._site(tracker, session, str(service), str(value))
            if site is None:
                dispatcher.utter_message(response="utter_booking_place_unknown", place=value)
                return {"booking_place": None}
            # A home service keeps the resident's address; the site is the one serving it.
            place = value if is_home(str(service)) and value != SHARED else site.name
            return {"booking_place": place, "booking_site_id": str(site.id)}

    def validate_booking_people(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"booking_people": int(value)}
        cancelled = self._cancelled(tracker)
        if cancelled:
            return cancelled
        count = people_answer(str(value or ""))
        if count is None:
            dispatcher.utter_message(response="utter_booking_people_invalid")
            return {"booking_people": None}
        defaults = defaults_for(str(tracker.get_slot("booking_service") or ""))
        if defaults is not None and count > defaults.capacity:
            dispatcher.utter_message(
                response="utter_booking_people_too_many", capacity=defaults.capacity
            )
            return {"booking_people": None}
        return {"booking_people": count}

    def validate_booking_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text.startswith("+") and text[1:].isdigit():
            return {"booking_phone": text}  # already validated (from the first message)
        if text == NO_PHONE or context.vocabulary().reply_kind(text) == "decline":
            return {"booking_phone": NO_PHONE}
        cancelled = self._cancelled(tracker)
        if cancelled:
            return cancelled
        try:
            phone = normalize_phone(text) if text else None
        except InvalidPhone:
            phone = find_phone(text)
        if phone is None:
            dispatcher.utter_message(response="utter_booking_phone_invalid")
            return {"booking_phone": None}
        logger.info("booking phone given: %s", mask_phone(phone))
        return {"booking_phone": phone}

    def _site(self, tracker: Tracker, session: Session, service: str, value: str) -> Site | None:
        point = valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))
        text = None if value == SHARED else value
        if is_home(service):
            return home_site_for(
                session=session, service=service, now=china_time.now(), address=text, point=point
            ).site
        return site_for(
            session=session, service=service, now=china_time.now(), text=text, point=point
        )


def offer_choices(
    dispatcher: CollectingDispatcher,
    session: Session,
    site: Site,
    service: str,
    wished: When | None,
    people: int,
) -> bool:
    """Say the free slots as buttons; False when there is none to offer."""
    now = china_time.now()
    offer = offer_for(session=session, site=site, service=service)
    choice = free_slots(session=session, offer=offer, wished=wished, now=now, people=people)
    if not choice.slots:
        dispatcher.utter_message(response="utter_booking_no_slots", site=site.name, service=service)
        return False
    year = (wished.start if wished else choice.slots[0].start).year
    if not china_time.calendar_known(year):
        dispatcher.utter_message(response="utter_booking_calendar_unknown", year=year)
    buttons = [
        {
            "title": slot_label(s.start, s.end),
            "payload": slot_payload(s.start.isoformat(), site.id, service),
        }
        for s in choice.slots
    ]
    exact = choice.exact or wished is None
    dispatcher.utter_message(
        response="utter_booking_slots" if exact else "utter_booking_slots_nearest",
        site=site.name,
        address=site.address,
        service=service,
        wished=wished.text if wished else "",
        buttons=buttons,
    )
    return True


class ActionOfferSlots(Action):
    def name(self) -> str:
        return "action_offer_slots"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        service = tracker.get_slot("booking_service")
        if service == CANCELLED or not service:
            dispatcher.utter_message(response="utter_booking_stopped")
            return clear_booking()
        site_id = tracker.get_slot("booking_site_id")
        people = int(tracker.get_slot("booking_people") or 1)
        with context.transaction() as session:
            site = session.get(Site, int(site_id)) if str(site_id or "").isdigit() else None
            site = site or site_for(
                session=session,
                service=str(service),
                now=china_time.now(),
                text=str(tracker.get_slot("booking_place") or ""),
            )
            if site is None:
                dispatcher.utter_message(
                    response="utter_booking_place_unknown", place=tracker.get_slot("booking_place")
                )
                return clear_booking()
            try:
                shown = offer_choices(
                    dispatcher, session, site, str(service), wished_time(tracker), people
                )
            except BookingError as error:
                utter_error(dispatcher, error)
                return clear_booking()
            if not shown:
                return clear_booking()
            place = tracker.get_slot("booking_place") if is_home(str(service)) else site.name
            return [SlotSet("booking_site_id", str(site.id)), SlotSet("booking_place", place)]


class ActionBookSlot(Action):
    def name(self) -> str:
        return "action_book_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        start = latest_entity(tracker, "slot_start")
        site_id = latest_entity(tracker, "booking_site_id") or tracker.get_slot("booking_site_id")
        service = bookable(latest_entity(tracker, "service")) or tracker.get_slot("booking_service")
        people = int(tracker.get_slot("booking_people") or 1)
        try:
            moment = china_time.to_china(_iso(start))
        except ValueError:
            moment = None
        if moment is None or not str(site_id or "").isdigit() or not service:
            dispatcher.utter_message(response="utter_booking_slot_gone")
            return clear_booking()
        place = tracker.get_slot("booking_place")
        address = str(place)[:200] if is_home(str(service)) and place else None
        request = bookings.NewBooking(
            channel=channel, user_id=user, site_id=int(str(site_id)), service=str(service),
            start=moment, people=people, address=address, phone=phone_of(tracker),
        )  # fmt: skip
        with context.transaction() as session:
            if address is not None:
                point = valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))
                served = home_site_for(
                    session=session, service=request.service, now=china_time.now(),
                    address=address, point=point,
                )  # fmt: skip
                request = dataclasses.replace(request, grid=served.grid)
            try:
                booking = bookings.book(session=session, request=request, now=china_time.now())
            except SlotFull as error:
                utter_error(dispatcher, error)
                site = session.get(Site, request.site_id)
                if site is not None:
                    wish = When(moment, moment, Grain.MINUTE, slot_label(moment, moment))
                    offer_choices(dispatcher, session, site, request.service, wish, people)
                return []
            except BookingError as error:
                utter_error(dispatcher, error)
                return clear_booking()
            self._confirm(dispatcher, booking)
        return clear_booking()

    def _confirm(self, dispatcher: CollectingDispatcher, booking: Booking) -> None:
        defaults = defaults_for(booking.service)
        dispatcher.utter_message(
            response="utter_booking_pending"
            if booking.status is BookingStatus.PENDING
            else "utter_booking_confirmed",
            number=booking.number,
            service=booking.service,
            site=booking.site.name,
            address=booking.site.address,
            day=day_label(booking.starts_at),
            time=f"{china_time.to_china(booking.starts_at):%H:%M}-"
            f"{china_time.to_china(booking.ends_at):%H:%M}",
            bring=booking.slot.offer.bring
            or (defaults.bring if defaults else phrases.DEFAULT_BRING),
            people=booking.people,
        )


def _iso(text: str | None) -> dt.datetime:
    if not text:
        raise ValueError("no time")
    return dt.datetime.fromisoformat(str(text))


def listing(found: list[Booking]) -> str:
    return "\n".join(
        f"{b.number}  {slot_label(b.starts_at, b.ends_at)}  {b.service}  {b.site.name}"
        f"（{BOOKING_STATUS_LABELS[b.status.value]}）"
        for b in found[:MAX_LISTED]
    )


class ActionListBookings(Action):
    def name(self) -> str:
        return "action_list_bookings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        with context.transaction() as session:
            found = bookings.upcoming_for_owner(
                session=session, channel=channel, user_id=user, now=china_time.now()
            )
            if not found:
                dispatcher.utter_message(response="utter_no_bookings")
                return []
            buttons = [
                {"title": phrases.cancel_button(b.number), "payload": cancel_payload(b.number)}
                for b in found[:MAX_LISTED]
            ]
            dispatcher.utter_message(
                response="utter_my_bookings", count=len(found), listing=listing(found),
                buttons=buttons,
            )  # fmt: skip
        return []


class ActionCancelBooking(Action):
    """By number, by "最近那个" / "明天那个", or by picking from the resident's own bookings."""

    def name(self) -> str:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        text = latest_text(tracker)
        number = find_number(latest_entity(tracker, "booking_number") or "") or find_number(text)
        now = china_time.now()
        with context.transaction() as session:
            try:
                if number:
                    booking = bookings.get_booking_for_owner(
                        session=session, channel=channel, user_id=user, number=number
                    )
                    self._cancel(dispatcher, session, booking)
                    return clear_booking()
                found = bookings.upcoming_for_owner(
                    session=session, channel=channel, user_id=user, now=now
                )
                if not found:
                    dispatcher.utter_message(response="utter_no_bookings")
                    return []
                chosen = self._chosen(text, found)
                if chosen is not None and len(chosen) == 1:
                    self._cancel(dispatcher, session, chosen[0])
                    return clear_booking()
                chosen = chosen or found
                buttons = [
                    {"title": phrases.cancel_button(b.number, slot_label(b.starts_at, b.ends_at)),
                     "payload": cancel_payload(b.number)}
                    for b in chosen[:MAX_LISTED]
                ]  # fmt: skip
                dispatcher.utter_message(
                    response="utter_booking_pick_to_cancel",
                    listing=listing(chosen),
                    buttons=buttons,
                )
            except BookingError as error:
                utter_error(dispatcher, error, number=number or "")
        return []

    def _chosen(self, text: str, found: list[Booking]) -> list[Booking] | None:
        """The bookings the words point at ("最近那个", "明天那个"); None: they point at none."""
        if "最近" in text:
            return found[:1]
        try:
            when = parse_when(text, now=china_time.now())
        except DateNotUnderstood:
            return None
        return [b for b in found if when.start <= china_time.to_china(b.starts_at) < when.end]

    def _cancel(self, dispatcher: CollectingDispatcher, session: Session, booking: Booking) -> None:
        bookings.cancel(session=session, booking=booking, now=china_time.now())
        dispatcher.utter_message(
            response="utter_booking_cancelled",
            number=booking.number,
            service=booking.service,
            when=slot_label(booking.starts_at, booking.ends_at),
        )


class ActionChangeBooking(Action):
    """Change of time in one step: the new slot is booked and the old one cancelled together;
    if the wished time is full the old booking stays and the nearest free times are offered.
    Only the resident's own bookings are found."""

    def name(self) -> str:
        return "action_change_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        channel, user = channel_and_user(tracker)
        text = latest_text(tracker)
        now = china_time.now()
        number = find_number(latest_entity(tracker, "booking_number") or "") or find_number(text)
        tapped = latest_entity(tracker, "slot_start")
        request = read_change("" if text.startswith("/") else text, now)
        when = request.when or (wished_time(tracker) if text.startswith("/") else None)
        with context.transaction() as session:
            try:
                if number:
                    booking = bookings.get_booking_for_owner(
                        session=session, channel=channel, user_id=user, number=number
                    )
                else:
                    found = bookings.upcoming_for_owner(
                        session=session, channel=channel, user_id=user, now=now
                    )
                    chosen = self._chosen(request.which, found, now)
                    if not found:
                        dispatcher.utter_message(response="utter_no_bookings")
                        return []
                    if len(chosen) != 1:
                        return self._ask_which(dispatcher, chosen or found, when)
                    booking = chosen[0]
                if tapped:
                    return self._move(
                        dispatcher, session, booking, china_time.to_china(_iso(tapped))
                    )
                if when is None:
                    dispatcher.utter_message(
                        response="utter_booking_change_ask_time", number=booking.number
                    )
                    return []
                return self._to_wish(dispatcher, session, booking, when)
            except ValueError:
                dispatcher.utter_message(response="utter_booking_slot_gone")
            except BookingError as error:
                utter_error(dispatcher, error, number=number or "")
        return []

    def _chosen(self, words: str, found: list[Booking], now: dt.datetime) -> list[Booking]:
        if points_at_latest(words):
            return found[:1]
        meant = day_meant(words, now)
        if meant is None:
            return found if len(found) == 1 else []
        return [b for b in found if meant.start <= china_time.to_china(b.starts_at) < meant.end]

    def _ask_which(
        self, dispatcher: CollectingDispatcher, found: list[Booking], when: When | None
    ) -> Events:
        buttons = [
            {"title": phrases.change_button(b.number, slot_label(b.starts_at, b.ends_at)),
             "payload": change_payload(b.number)}
            for b in found[:MAX_LISTED]
        ]  # fmt: skip
        dispatcher.utter_message(
            response="utter_booking_pick_to_change", listing=listing(found), buttons=buttons
        )
        # The wished time waits in the slot until the resident picks the booking.
        return [SlotSet("booking_when", when.text if when else None)]

    def _to_wish(
        self, dispatcher: CollectingDispatcher, session: Session, booking: Booking, when: When
    ) -> Events:
        offer = booking.slot.offer
        choice = free_slots(
            session=session, offer=offer, wished=when, now=china_time.now(), people=booking.people
        )
        target = pick_slot(choice.slots, when, booking.starts_at) if choice.exact else None
        if target is None:
            self._offer_nearest(dispatcher, booking, choice.slots, when.text)
            return [SlotSet("booking_when", None)]
        return self._move(dispatcher, session, booking, target.start)

    def _move(
        self,
        dispatcher: CollectingDispatcher,
        session: Session,
        booking: Booking,
        start: dt.datetime,
    ) -> Events:
        old_label = slot_label(booking.starts_at, booking.ends_at)
        try:
            with session.begin_nested():
                moved = bookings.reschedule(
                    session=session, booking=booking, start=start, now=china_time.now()
                )
        except (SlotFull, SlotUnavailable):
            wish = When(start, start, Grain.MINUTE, slot_label(start, start))
            choice = free_slots(
                session=session, offer=booking.slot.offer, wished=wish, now=china_time.now(),
                people=booking.people,
            )  # fmt: skip
            self._offer_nearest(dispatcher, booking, choice.slots, wish.text)
            return [SlotSet("booking_when", None)]
        dispatcher.utter_message(
            response="utter_booking_changed",
            old_number=booking.number,
            number=moved.number,
            service=moved.service,
            site=moved.site.name,
            address=moved.site.address,
            old=old_label,
            day=day_label(moved.starts_at),
            time=f"{china_time.to_china(moved.starts_at):%H:%M}-"
            f"{china_time.to_china(moved.ends_at):%H:%M}",
        )
        return [SlotSet("booking_when", None)]

    def _offer_nearest(
        self,
        dispatcher: CollectingDispatcher,
        booking: Booking,
        slots: tuple[SlotView, ...],
        wished: str,
    ) -> None:
        old = china_time.to_china(booking.starts_at)
        choices = [s for s in slots if s.start != old]
        if not choices:
            dispatcher.utter_message(
                response="utter_booking_change_no_slots", number=booking.number, wished=wished
            )
            return
        dispatcher.utter_message(
            response="utter_booking_change_nearest",
            number=booking.number,
            wished=wished,
            old=slot_label(booking.starts_at, booking.ends_at),
            buttons=[
                {"title": slot_label(s.start, s.end),
                 "payload": change_payload(booking.number, s.start.isoformat())}
                for s in choices
            ],
        )  # fmt: skip


class ActionFairInfo(Action):
    """When the next monthly fair is ("下个月的便民大集是哪天", "大集几号"), with a sign-up button."""

    def name(self) -> str:
        return "action_fair_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        now = china_time.now()
        text = latest_text(tracker)
        month = fair.month_named(text, now)
        if month is None:
            try:
                month = parse_when(text, now=now).start.date()
            except DateNotUnderstood:
                month = None
        coming = fair.next_fair(now, from_day=month)
        if not china_time.calendar_known(coming.day.year):
            dispatcher.utter_message(
                response="utter_booking_calendar_unknown", year=coming.day.year
            )
        dispatcher.utter_message(
            response="utter_fair_moved" if coming.moved else "utter_fair_next",
            month=coming.day.month,
            day=day_label(coming.start),
            usual=day_label(china_time.at(coming.usual)),
            holiday=coming.holiday or "",
            time=f"{fair.OPENS:%H:%M}-{fair.CLOSES:%H:%M}",
            stalls="、".join(fair.STALLS),
            buttons=[{"title": phrases.FAIR_SIGN_UP, "payload": FAIR_PAYLOAD}],
        )
        return []


FAIR_PAYLOAD = f'/book_service{{"service": "{fair.SERVICE}"}}'
