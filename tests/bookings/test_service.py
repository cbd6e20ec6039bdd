"""Booking, numbers, history, cancelling (by the resident and by staff), closing a day,
reminders and the home-service path (待确认 → 已预约)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.bookings.errors import (
    BookingNotActive,
    BookingNotFound,
    InvalidBookingNumber,
    SlotFull,
    SlotUnavailable,
)
from bot.bookings.numbers import find_number, parse_number
from bot.bookings.reminders import send_reminders
from bot.bookings.service import (
    cancel,
    close_day,
    confirm,
    get_booking,
    get_booking_for_owner,
    tune_offer,
    upcoming_for_owner,
)
from bot.bookings.slots import offer_for
from bot.db.bookings import BookingEvent, BookingSlot, BookingStatus
from bot.db.outbox import OutboxMessage
from tests.bookings.builders import NOW, add_booking, add_site, shanghai

SLOT = shanghai(2026, 11, 26, 14, 0)


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_booking_gets_a_yy_number_and_a_created_event(db_session: Session) -> None:
    booking = add_booking(db_session, add_site(db_session), SLOT)
    assert booking.number == f"YY{booking.id:06d}"
    assert booking.status is BookingStatus.BOOKED
    assert booking.ends_at == shanghai(2026, 11, 26, 14, 30)
    assert [e.kind for e in booking.events] == ["created"]


def test_a_full_slot_refuses_the_next_booking(db_session: Session) -> None:
    site = add_site(db_session)
    add_booking(db_session, site, SLOT)
    with pytest.raises(SlotFull):
        add_booking(db_session, site, SLOT, user_id="10002")


def test_a_group_larger_than_the_slot_is_refused(db_session: Session) -> None:
    with pytest.raises(SlotFull):
        add_booking(
            db_session, add_site(db_session), shanghai(2026, 11, 26, 8, 30), service="健康检测",
            people=6,
        )  # fmt: skip


@pytest.mark.parametrize(
    "start",
    [
        shanghai(2026, 11, 26, 12, 30),  # lunch break
        shanghai(2026, 11, 26, 14, 10),  # not a slot start
        shanghai(2026, 11, 25, 9, 0),  # already past
        shanghai(2026, 11, 29, 9, 0),  # Sunday: closed
    ],
)
def test_times_that_are_not_slots_are_refused(db_session: Session, start: dt.datetime) -> None:
    with pytest.raises(SlotUnavailable):
        add_booking(db_session, add_site(db_session), start)


def test_cancelling_frees_the_place_and_is_recorded(db_session: Session) -> None:
    site = add_site(db_session)
    booking = add_booking(db_session, site, SLOT)
    cancel(session=db_session, booking=booking, now=NOW)
    assert booking.status is BookingStatus.CANCELLED
    assert db_session.get(BookingSlot, booking.slot_id).booked == 0  # type: ignore[union-attr]
    assert add_booking(db_session, site, SLOT, user_id="10002").status is BookingStatus.BOOKED
    assert outbox(db_session) == []  # the resident cancelled: nothing to tell them
    with pytest.raises(BookingNotActive):
        cancel(session=db_session, booking=booking, now=NOW)


def test_staff_cancelling_tells_the_resident_with_other_times(db_session: Session) -> None:
    booking = add_booking(db_session, add_site(db_session), SLOT)
    cancel(session=db_session, booking=booking, now=NOW, actor="staff:王芳", note="律师临时有事。")
    [message] = outbox(db_session)
    assert message.channel == "telegram" and message.user_id == "10001"
    assert booking.number in message.text and "律师临时有事" in message.text
    assert "还可以预约的时间：11月25日（周三）10:30-11:00" in message.text
    assert [e.kind for e in booking.events] == ["created", "status"]
    assert booking.events[-1].actor == "staff:王芳"


def test_history_is_append_only(db_session: Session) -> None:
    booking = add_booking(db_session, add_site(db_session), SLOT)
    event = db_session.scalars(select(BookingEvent)).one()
    event.note = "changed"
    with pytest.raises(PermissionError):
        db_session.flush()
    db_session.rollback()
    assert booking is not None


def test_closing_a_day_cancels_its_bookings_and_tells_each_resident(db_session: Session) -> None:
    site = add_site(db_session)
    first = add_booking(db_session, site, SLOT)
    second = add_booking(db_session, site, shanghai(2026, 11, 26, 9, 0), user_id="10002")
    other_day = add_booking(db_session, site, shanghai(2026, 11, 27, 9, 0), user_id="10003")
    cancelled = close_day(
        session=db_session, site=site, day=SLOT.date(), note="停电检修", actor="staff:王芳", now=NOW
    )
    assert [b.number for b in cancelled] == [second.number, first.number]
    assert other_day.status is BookingStatus.BOOKED
    assert sorted(m.user_id for m in outbox(db_session)) == ["10001", "10002"]
    assert all("停电检修" in m.text for m in outbox(db_session))


def test_a_resident_sees_and_gets_only_their_own_bookings(db_session: Session) -> None:
    site = add_site(db_session)
    mine = add_booking(db_session, site, SLOT)
    theirs = add_booking(db_session, site, shanghai(2026, 11, 26, 9, 0), user_id="10002")
    assert upcoming_for_owner(session=db_session, channel="telegram", user_id="10001", now=NOW) == [
        mine
    ]
    with pytest.raises(BookingNotFound):
        get_booking_for_owner(
            session=db_session, channel="telegram", user_id="10001", number=theirs.number
        )
    assert get_booking(session=db_session, number=mine.number.lower()) is mine


def test_booking_numbers_as_typed() -> None:
    assert parse_number("yy000123") == 123
    assert parse_number("ＹＹ－０００１２３") == 123
    assert find_number("帮我取消YY-000042吧") == "YY000042"
    assert find_number("取消明天那个") is None
    with pytest.raises(InvalidBookingNumber):
        parse_number("GD000123")


def test_reminders_go_out_the_evening_before_and_only_once(db_session: Session) -> None:
    site = add_site(db_session)
    tomorrow = add_booking(db_session, site, SLOT)
    add_booking(db_session, site, shanghai(2026, 11, 27, 9, 0), user_id="10002")
    assert send_reminders(session=db_session, now=shanghai(2026, 11, 25, 17, 59)) == []
    evening = shanghai(2026, 11, 25, 19, 0)
    assert send_reminders(session=db_session, now=evening) == [tomorrow.number]
    assert send_reminders(session=db_session, now=shanghai(2026, 11, 25, 19, 5)) == []
    [message] = outbox(db_session)
    assert message.kind == "booking_reminder" and message.user_id == "10001"
    assert "明天" in message.text and "11月26日（周四）14:00-14:30" in message.text
    assert "和顺社区党群服务站一楼" in message.text and "身份证" in message.text
    assert tomorrow.reminded_at == evening


def test_a_cancelled_booking_gets_no_reminder(db_session: Session) -> None:
    booking = add_booking(db_session, add_site(db_session), SLOT)
    cancel(session=db_session, booking=booking, now=NOW)
    assert send_reminders(session=db_session, now=shanghai(2026, 11, 25, 20, 0)) == []


def test_a_home_service_waits_for_staff_to_confirm(db_session: Session) -> None:
    site = add_site(db_session)
    booking = add_booking(db_session, site, shanghai(2026, 11, 26, 8, 30), service="家政服务")
    assert booking.status is BookingStatus.PENDING
    confirm(session=db_session, booking=booking, now=NOW, actor="staff:王芳")
    assert booking.status is BookingStatus.BOOKED
    [message] = outbox(db_session)
    assert "已确认" in message.text and booking.number in message.text
    with pytest.raises(BookingNotActive):
        confirm(session=db_session, booking=booking, now=NOW, actor="staff:王芳")


def test_a_smaller_capacity_never_takes_a_place_away(db_session: Session) -> None:
    site = add_site(db_session)
    for user in ("a", "b", "c"):
        add_booking(
            db_session, site, shanghai(2026, 11, 26, 8, 30), service="健康检测", user_id=user
        )
    offer = offer_for(session=db_session, site=site, service="健康检测")
    tune_offer(session=db_session, offer=offer, now=NOW, capacity=2)
    slot = db_session.scalars(select(BookingSlot)).one()
    assert (offer.capacity, slot.capacity, slot.booked) == (2, 3, 3)
    tune_offer(session=db_session, offer=offer, now=NOW, capacity=10)
    assert slot.capacity == 10
