"""The monthly fair: third Saturdays from the China calendar (a holiday moves it a week, a
调休 working Saturday does not), signing up as a booking at a community centre."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from bot.bookings import fair
from bot.bookings.errors import NotBookable
from bot.bookings.places import site_for
from bot.bookings.slots import free_slots, offer_for, slots_on
from tests.bookings.builders import NOW, add_booking, add_site, shanghai


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(2026, 11, 21), (2026, 12, 19), (2027, 1, 16), (2026, 8, 15), (2026, 3, 21)],
)
def test_the_third_saturday(year: int, month: int, day: int) -> None:
    assert fair.third_saturday(year, month) == dt.date(year, month, day)
    assert dt.date(year, month, day).weekday() == 5


@pytest.mark.parametrize(
    ("year", "month", "moved_to", "holiday"),
    [(2026, 2, dt.date(2026, 2, 28), "春节"), (2026, 6, dt.date(2026, 6, 27), "端午")],
)
def test_a_holiday_on_the_third_saturday_moves_the_fair_a_week(
    year: int, month: int, moved_to: dt.date, holiday: str
) -> None:
    found = fair.fair_of_month(year, month)
    assert found.moved and found.day == moved_to and found.holiday == holiday


def test_an_adjusted_working_saturday_keeps_the_fair() -> None:
    found = fair.fair_of_month(2021, 2)  # 2021-02-20 was a 调休 working Saturday
    assert found.day == dt.date(2021, 2, 20) and not found.moved


def test_the_next_fair_from_now() -> None:
    assert fair.next_fair(NOW).day == dt.date(2026, 12, 19)  # November's was on the 21st
    on_the_day = shanghai(2026, 12, 19, 10, 0)
    assert fair.next_fair(on_the_day).day == dt.date(2026, 12, 19)  # still on until 11:30
    assert fair.next_fair(shanghai(2026, 12, 19, 12, 0)).day == dt.date(2027, 1, 16)
    assert fair.next_fair(NOW, from_day=dt.date(2027, 1, 1)).day == dt.date(2027, 1, 16)


def test_signing_up_books_the_fair_session_at_a_community_centre(db_session: Session) -> None:
    centre = add_site(db_session, name="和顺社区党群服务中心")
    centre.kind = fair.HOST_KIND
    offer = offer_for(session=db_session, site=centre, service=fair.SERVICE)
    assert slots_on(session=db_session, offer=offer, day=dt.date(2026, 12, 18), now=NOW) == []
    [session_] = slots_on(session=db_session, offer=offer, day=dt.date(2026, 12, 19), now=NOW)
    assert (session_.start, session_.end) == (
        shanghai(2026, 12, 19, 9, 0),
        shanghai(2026, 12, 19, 11, 30),
    )
    # Without a wish, the next fair is found although it is more than three weeks away.
    choice = free_slots(session=db_session, offer=offer, wished=None, now=NOW, people=2)
    assert choice.slots[0].start == session_.start
    booking = add_booking(db_session, centre, session_.start, service=fair.SERVICE, people=2)
    assert booking.slot.booked == 2


def test_only_community_centres_hold_the_fair(db_session: Session) -> None:
    station = add_site(db_session)  # a 党群服务站
    with pytest.raises(NotBookable):
        offer_for(session=db_session, site=station, service=fair.SERVICE)


@pytest.mark.parametrize(
    ("text", "first"),
    [("下个月的便民大集是哪天", dt.date(2026, 12, 1)), ("这个月的大集", dt.date(2026, 11, 1)),
     ("下下个月", dt.date(2027, 1, 1)), ("明年1月的大集是哪天", dt.date(2027, 1, 1)),
     ("2月份的大集", dt.date(2027, 2, 1)), ("12月的大集", dt.date(2026, 12, 1)),
     ("大集几号", None), ("12月19号", None)],
)  # fmt: skip
def test_the_month_a_fair_question_names(text: str, first: dt.date | None) -> None:
    assert fair.month_named(text, NOW) == first


def test_a_month_wish_is_that_months_fair() -> None:
    wish = fair.wish_in("报名下下个月的", NOW)
    assert wish is not None and wish.text == "下下个月"
    assert (wish.start, wish.end) == (shanghai(2027, 1, 16, 9, 0), shanghai(2027, 1, 16, 11, 30))


def test_a_place_finds_the_nearest_community_centre_for_the_fair(db_session: Session) -> None:
    add_site(db_session)  # a 党群服务站 right there
    centre = add_site(db_session, name="城东社区党群服务中心", lat=30.9197, lon=118.3447)
    centre.kind = fair.HOST_KIND
    db_session.flush()
    found = site_for(session=db_session, service=fair.SERVICE, now=NOW, point=(30.9197, 118.3347))
    assert found is not None and found.id == centre.id
