"""Home services (上门): the address is routed like a ticket (gazetteer → the grid's site), the
booking goes to the site sending people there, remembers the grid and waits for staff."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.bookings.places import home_site_for
from bot.bookings.service import NewBooking, book, confirm
from bot.db.bookings import BookingStatus
from bot.db.sites import Place
from tests.bookings.builders import NOW, add_site, shanghai

HESHUN = (30.9197, 118.3347)
EAST = (HESHUN[0], HESHUN[1] + 0.0104)  # about 1 km east


def east_side(session: Session, services: tuple[str, ...] = ("家政服务", "法律援助")) -> None:
    add_site(session, name="城东社区党群服务站", lat=EAST[0], lon=EAST[1], community="城东社区",
             grid="第二网格", services=services)  # fmt: skip
    session.add(Place(name="幸福里小区", kind="landmark", lat=EAST[0] + 0.001, lon=EAST[1]))
    session.flush()


def test_the_address_goes_to_the_grid_serving_it(db_session: Session) -> None:
    add_site(db_session)  # 和顺, 第一网格, also offers 家政服务
    east_side(db_session)
    match = home_site_for(
        session=db_session, service="家政服务", now=NOW, address="幸福里小区3栋2单元501"
    )
    assert match.site is not None and match.site.name == "城东社区党群服务站"
    assert match.grid == "第二网格"


def test_a_grid_site_without_the_service_hands_it_to_the_nearest_that_has_it(
    db_session: Session,
) -> None:
    heshun = add_site(db_session)
    east_side(db_session, services=("法律援助",))
    match = home_site_for(
        session=db_session, service="家政服务", now=NOW, address="幸福里小区3栋2单元501"
    )
    assert match.site is not None and match.site.id == heshun.id
    assert match.grid == "第二网格"  # the grid is still the address's own


def test_a_home_booking_waits_for_staff_and_keeps_the_grid(db_session: Session) -> None:
    add_site(db_session)
    east_side(db_session)
    match = home_site_for(session=db_session, service="家政服务", now=NOW, address="幸福里小区5栋")
    assert match.site is not None
    booking = book(
        session=db_session,
        request=NewBooking(
            channel="telegram", user_id="1", site_id=match.site.id, service="家政服务",
            start=shanghai(2026, 11, 26, 8, 30), address="幸福里小区5栋", grid=match.grid,
        ),
        now=NOW,
    )  # fmt: skip
    assert booking.status is BookingStatus.PENDING and booking.grid == "第二网格"
    confirm(session=db_session, booking=booking, now=NOW, actor="staff:wang")
    assert booking.status is BookingStatus.BOOKED


def test_an_address_nobody_knows_finds_no_site(db_session: Session) -> None:
    add_site(db_session)
    match = home_site_for(session=db_session, service="家政服务", now=NOW, address="火星基地")
    assert match.site is None and match.grid is None
