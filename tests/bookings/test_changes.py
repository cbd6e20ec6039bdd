"""Change of time: reading "把明天那个改到周六上午", and the move itself (new slot first, old one
cancelled in the same transaction; a full slot leaves the old booking as it was)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.bookings.changes import pick_slot, read_change
from bot.bookings.dates import Grain
from bot.bookings.errors import BookingNotActive, SameSlot, SlotFull
from bot.bookings.service import cancel, reschedule
from bot.bookings.slots import SlotView
from bot.db.bookings import BookingSlot, BookingStatus
from tests.bookings.builders import NOW, add_booking, add_site, shanghai

SLOT = shanghai(2026, 11, 26, 14, 0)


@pytest.mark.parametrize(
    ("text", "which", "start", "grain"),
    [
        ("把明天那个改到周六上午", "把明天那个", shanghai(2026, 11, 28, 7, 0), Grain.HALFDAY),
        ("改到后天下午", "", shanghai(2026, 11, 27, 13, 0), Grain.HALFDAY),
        ("YY000001换成下周一三点", "YY000001", shanghai(2026, 11, 30, 15, 0), Grain.HOUR),
        ("最近那个预约挪到27号", "最近那个预约", shanghai(2026, 11, 27, 0, 0), Grain.DAY),
    ],
)
def test_a_change_names_the_booking_then_the_new_time(
    text: str, which: str, start: object, grain: Grain
) -> None:
    request = read_change(text, NOW)
    assert request.which == which
    assert request.when is not None
    assert request.when.grain is grain
    assert request.when.start == start


def test_a_change_without_a_time_has_none() -> None:
    assert read_change("我想改一下预约时间", NOW).when is None


def test_a_whole_day_keeps_the_old_clock_time_when_free() -> None:
    day = [SlotView(shanghai(2026, 11, 27, h, 0), shanghai(2026, 11, 27, h, 30), 1, 1)
           for h in (9, 14, 15)]  # fmt: skip
    request = read_change("改到27号", NOW)
    assert request.when is not None
    assert pick_slot(tuple(day), request.when, SLOT).start.hour == 14  # type: ignore[union-attr]
    assert pick_slot(tuple(day[::2]), request.when, SLOT).start.hour == 9  # type: ignore[union-attr]


def test_a_move_books_the_new_slot_and_frees_the_old(db_session: Session) -> None:
    site = add_site(db_session)
    old = add_booking(db_session, site, SLOT, people=1)
    moved = reschedule(session=db_session, booking=old, start=shanghai(2026, 11, 27, 9, 0), now=NOW)
    assert old.status is BookingStatus.CANCELLED and moved.status is BookingStatus.BOOKED
    assert moved.starts_at == shanghai(2026, 11, 27, 9, 0) and moved.is_owned_by(
        "telegram", "10001"
    )
    assert db_session.get(BookingSlot, old.slot_id).booked == 0  # type: ignore[union-attr]
    assert db_session.get(BookingSlot, moved.slot_id).booked == 1  # type: ignore[union-attr]
    assert [e.kind for e in old.events] == ["created", "status", "rescheduled"]
    assert old.events[-1].details["moved_to"] == moved.number  # type: ignore[index]
    assert moved.events[-1].details["moved_from"] == old.number  # type: ignore[index]


def test_a_group_moves_with_all_its_places(db_session: Session) -> None:
    site = add_site(db_session)
    old = add_booking(db_session, site, shanghai(2026, 11, 26, 8, 30), service="健康检测", people=3)
    moved = reschedule(
        session=db_session, booking=old, start=shanghai(2026, 11, 26, 9, 10), now=NOW
    )
    assert moved.people == 3
    assert db_session.get(BookingSlot, moved.slot_id).booked == 3  # type: ignore[union-attr]
    assert db_session.get(BookingSlot, old.slot_id).booked == 0  # type: ignore[union-attr]


def test_a_full_new_slot_keeps_the_old_booking(db_session: Session) -> None:
    site = add_site(db_session)
    old = add_booking(db_session, site, SLOT)
    add_booking(db_session, site, shanghai(2026, 11, 27, 9, 0), user_id="someone")
    with pytest.raises(SlotFull), db_session.begin_nested():
        reschedule(session=db_session, booking=old, start=shanghai(2026, 11, 27, 9, 0), now=NOW)
    assert old.status is BookingStatus.BOOKED
    assert db_session.get(BookingSlot, old.slot_id).booked == 1  # type: ignore[union-attr]


def test_moving_to_the_same_time_or_a_cancelled_booking_is_refused(db_session: Session) -> None:
    site = add_site(db_session)
    old = add_booking(db_session, site, SLOT)
    with pytest.raises(SameSlot):
        reschedule(session=db_session, booking=old, start=SLOT, now=NOW)
    cancel(session=db_session, booking=old, now=NOW)
    with pytest.raises(BookingNotActive):
        reschedule(session=db_session, booking=old, start=shanghai(2026, 11, 27, 9, 0), now=NOW)
