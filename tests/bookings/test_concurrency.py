"""200 residents at once for one slot of capacity 5, each in its own thread and session:
exactly 5 bookings and 195 polite "full" answers. On PostgreSQL (the database of production
and CI), where the conditional UPDATE's row lock decides, not a process-local lock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from bot.bookings.errors import SlotFull
from bot.bookings.service import NewBooking, book
from bot.bookings.slots import offer_for
from bot.db.bookings import Booking, BookingSlot
from bot.db.session import make_session_factory
from tests.bookings.builders import NOW, add_site, shanghai
from tests.helpers.database import POSTGRES_URL

START = shanghai(2026, 11, 26, 8, 30)


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_POSTGRES_URL")
@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_200_attempts_at_a_slot_of_5_make_exactly_5_bookings(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        site = add_site(session)
        offer = offer_for(session=session, site=site, service="健康检测")  # per person
        offer.capacity = 5
        site_id = site.id

    def attempt(index: int) -> str:
        request = NewBooking(
            channel="telegram", user_id=f"u{index}", site_id=site_id, service="健康检测",
            start=START,
        )  # fmt: skip
        try:
            with factory.begin() as session:
                return book(session=session, request=request, now=NOW).number
        except SlotFull:
            return "full"

    # More threads than the pool holds, so attempts really queue on the database.
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(attempt, range(200)))
    assert answers.count("full") == 195
    numbers = [a for a in answers if a != "full"]
    assert len(set(numbers)) == 5
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 5
        assert session.scalars(select(BookingSlot.booked)).one() == 5


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES_URL is None, reason="needs TEST_POSTGRES_URL")
@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_groups_take_as_many_places_as_people_under_concurrency(db_engine: Engine) -> None:
    """100 groups of two and 100 single residents at once for 5 places: the places taken are
    counted in people and never exceed 5, whatever the order the database settles on."""
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        site = add_site(session)
        offer = offer_for(session=session, site=site, service="健康检测")
        offer.capacity = 5
        site_id = site.id

    def attempt(index: int) -> int:
        people = 2 if index % 2 else 1
        request = NewBooking(
            channel="telegram", user_id=f"g{index}", site_id=site_id, service="健康检测",
            start=START, people=people,
        )  # fmt: skip
        try:
            with factory.begin() as session:
                book(session=session, request=request, now=NOW)
                return people
        except SlotFull:
            return 0

    with ThreadPoolExecutor(max_workers=16) as pool:
        taken = list(pool.map(attempt, range(200)))
    with factory() as session:
        booked = session.scalars(select(BookingSlot.booked)).one()
        people = session.scalar(select(func.sum(Booking.people)))
        rows = session.scalar(select(func.count()).select_from(Booking))
    # Five places always fill: a single fails only on a full slot, and there are 100 singles.
    assert booked == people == sum(taken) == 5
    assert rows == sum(1 for t in taken if t)
