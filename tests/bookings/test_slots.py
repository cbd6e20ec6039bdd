"""Slots from the site's hours: lunch breaks, weekends, statutory holidays, 调休 working days,
closed days, capacity, and the nearest free slots when the wished time is full or closed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from bot.bookings.dates import parse_when
from bot.bookings.errors import InvalidSession, NotBookable
from bot.bookings.service import add_extra_session, close_day
from bot.bookings.slots import extra_sessions_on, free_slots, offer_for, slots_on
from tests.bookings.builders import NOW, add_booking, add_site, shanghai


def starts(views: object) -> list[str]:
    return [f"{v.start:%m-%d %H:%M}" for v in views]  # type: ignore[attr-defined]


def test_a_working_day_has_slots_before_and_after_the_lunch_break(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    views = slots_on(session=db_session, offer=offer, day=dt.date(2026, 11, 26), now=NOW)
    times = [f"{v.start:%H:%M}" for v in views]
    assert times[0] == "08:30" and times[-1] == "17:30"
    assert "11:30" in times and "12:00" not in times and "13:30" not in times
    assert "14:00" in times
    assert all(v.free == v.capacity == 1 for v in views)


def test_slots_that_have_started_are_not_offered(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    views = slots_on(session=db_session, offer=offer, day=NOW.date(), now=NOW)
    assert starts(views)[0] == "11-25 10:30"


def test_today_after_closing_time_offers_tomorrow(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    evening = shanghai(2026, 11, 25, 21, 30)
    choice = free_slots(
        session=db_session, offer=offer, wished=parse_when("今天", now=evening), now=evening
    )
    assert not choice.exact
    assert starts(choice.slots)[0] == "11-26 08:30"


def test_saturday_has_the_saturday_hours_and_sunday_none(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    saturday = slots_on(session=db_session, offer=offer, day=dt.date(2026, 11, 28), now=NOW)
    assert starts(saturday)[0] == "11-28 09:00" and starts(saturday)[-1] == "11-28 11:30"
    assert slots_on(session=db_session, offer=offer, day=dt.date(2026, 11, 29), now=NOW) == []


def test_a_statutory_holiday_is_closed(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    before = shanghai(2026, 9, 28, 10, 0)
    assert slots_on(session=db_session, offer=offer, day=dt.date(2026, 10, 1), now=before) == []


def test_an_adjusted_working_saturday_has_workday_hours(db_session: Session) -> None:
    # 2026-10-10 is a Saturday worked for 国庆节 (调休).
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    before = shanghai(2026, 10, 8, 10, 0)
    views = slots_on(session=db_session, offer=offer, day=dt.date(2026, 10, 10), now=before)
    assert starts(views)[0] == "10-10 08:30" and starts(views)[-1] == "10-10 17:30"


def test_a_wish_for_a_holiday_gets_the_nearest_days_around_it(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    before = shanghai(2026, 9, 28, 10, 0)
    choice = free_slots(
        session=db_session, offer=offer, wished=parse_when("10月3号", now=before), now=before
    )
    assert not choice.exact
    days = {v.start.date() for v in choice.slots}
    assert all(not dt.date(2026, 10, 1) <= d <= dt.date(2026, 10, 7) for d in days)


def test_a_closed_day_has_no_slots(db_session: Session) -> None:
    site = add_site(db_session)
    close_day(
        session=db_session,
        site=site,
        day=dt.date(2026, 11, 26),
        note="停电检修",
        actor="staff:王芳",
        now=NOW,
    )
    offer = offer_for(session=db_session, site=site, service="法律援助")
    assert slots_on(session=db_session, offer=offer, day=dt.date(2026, 11, 26), now=NOW) == []


def test_a_full_wished_time_offers_the_nearest_free_before_and_after(db_session: Session) -> None:
    site = add_site(db_session)
    add_booking(db_session, site, shanghai(2026, 11, 26, 15, 0))
    add_booking(db_session, site, shanghai(2026, 11, 26, 15, 30), user_id="10002")
    offer = offer_for(session=db_session, site=site, service="法律援助")
    wished = parse_when("明天下午三点", now=NOW)
    choice = free_slots(session=db_session, offer=offer, wished=wished, now=NOW)
    assert not choice.exact
    assert starts(choice.slots) == [
        "11-26 14:00",
        "11-26 14:30",
        "11-26 16:00",
        "11-26 16:30",
        "11-26 17:00",
    ]


def test_an_open_wished_half_day_offers_at_most_five_of_it(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    choice = free_slots(
        session=db_session, offer=offer, wished=parse_when("明天下午", now=NOW), now=NOW
    )
    assert choice.exact
    assert starts(choice.slots) == [
        "11-26 14:00",
        "11-26 14:30",
        "11-26 15:00",
        "11-26 15:30",
        "11-26 16:00",
    ]


def test_an_evening_reading_is_used_when_the_site_is_open_only_then(db_session: Session) -> None:
    site = add_site(db_session, name="暖新驿站", hours="每天 18:00-22:00")
    offer = offer_for(session=db_session, site=site, service="法律援助")
    choice = free_slots(
        session=db_session, offer=offer, wished=parse_when("明天八点", now=NOW), now=NOW
    )
    assert choice.exact
    assert starts(choice.slots) == ["11-26 20:00", "11-26 20:30"]


def test_per_person_capacity_counts_the_group(db_session: Session) -> None:
    site = add_site(db_session)
    start = shanghai(2026, 11, 26, 8, 50)  # 20-minute slots from 08:30
    add_booking(db_session, site, start, service="健康检测", people=3)
    offer = offer_for(session=db_session, site=site, service="健康检测")
    views = slots_on(session=db_session, offer=offer, day=start.date(), now=NOW)
    assert next(v for v in views if v.start == start).free == 2


def test_a_service_the_site_does_not_offer_is_not_bookable(db_session: Session) -> None:
    site = add_site(db_session, services=("图书阅览",))
    with pytest.raises(NotBookable):
        offer_for(session=db_session, site=site, service="法律援助")
    with pytest.raises(NotBookable):
        offer_for(session=db_session, site=site, service="图书阅览")  # not by appointment


def test_a_site_with_unknown_hours_has_no_slots(db_session: Session) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session, hours=None), service="法律援助")
    assert slots_on(session=db_session, offer=offer, day=dt.date(2026, 11, 26), now=NOW) == []


def test_an_extra_session_opens_a_sunday_and_can_be_booked(db_session: Session) -> None:
    site = add_site(db_session)  # 周日 休息
    offer = offer_for(session=db_session, site=site, service="法律援助")
    sunday = dt.date(2026, 11, 29)
    assert slots_on(session=db_session, offer=offer, day=sunday, now=NOW) == []
    add_extra_session(
        session=db_session, offer=offer, day=sunday, opens=dt.time(9, 0),
        closes=dt.time(10, 30), note="律师周日加班", now=NOW,
    )  # fmt: skip
    assert starts(slots_on(session=db_session, offer=offer, day=sunday, now=NOW)) == [
        "11-29 09:00",
        "11-29 09:30",
        "11-29 10:00",
    ]
    wished = parse_when("周日上午", now=NOW)
    choice = free_slots(session=db_session, offer=offer, wished=wished, now=NOW)
    assert choice.exact and starts(choice.slots)[0] == "11-29 09:00"
    booking = add_booking(db_session, site, shanghai(2026, 11, 29, 9, 30))
    assert booking.starts_at == shanghai(2026, 11, 29, 9, 30)
    views = slots_on(session=db_session, offer=offer, day=sunday, now=NOW)
    assert [v.free for v in views] == [1, 0, 1]


def test_an_extra_session_beside_the_usual_hours_lists_each_slot_once(
    db_session: Session,
) -> None:
    offer = offer_for(session=db_session, site=add_site(db_session), service="法律援助")
    day = dt.date(2026, 11, 26)  # Thursday: 08:30-12:00, 14:00-18:00
    add_extra_session(
        session=db_session, offer=offer, day=day, opens=dt.time(17, 0),
        closes=dt.time(20, 0), note="晚间咨询", now=NOW,
    )  # fmt: skip
    times = starts(slots_on(session=db_session, offer=offer, day=day, now=NOW))
    assert len(times) == len(set(times))
    assert times[-1] == "11-26 19:30" and "11-26 17:30" in times and "11-26 12:30" not in times


@pytest.mark.parametrize(
    ("day", "opens", "closes", "reason"),
    [
        (dt.date(2026, 11, 29), dt.time(10, 0), dt.time(9, 0), "before it starts"),
        (dt.date(2026, 11, 29), dt.time(9, 0), dt.time(9, 10), "hold no"),
        (dt.date(2026, 11, 24), dt.time(9, 0), dt.time(11, 0), "past"),
        (dt.date(2026, 11, 27), dt.time(19, 0), dt.time(20, 0), "closed"),
    ],
)
def test_an_extra_session_that_cannot_work_is_refused(
    db_session: Session, day: dt.date, opens: dt.time, closes: dt.time, reason: str
) -> None:
    site = add_site(db_session)
    close_day(
        session=db_session, site=site, day=dt.date(2026, 11, 27), note="停电检修",
        actor="staff:王芳", now=NOW,
    )  # fmt: skip
    offer = offer_for(session=db_session, site=site, service="法律援助")
    with pytest.raises(InvalidSession, match=reason):
        add_extra_session(
            session=db_session, offer=offer, day=day, opens=opens, closes=closes, note="",
            now=NOW,
        )  # fmt: skip
    assert extra_sessions_on(session=db_session, offer=offer, day=day) == []
