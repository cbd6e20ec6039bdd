"""回访: the reporter rates a closed ticket once, from 1 to 5."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.db.tickets import Ticket
from bot.tickets import lifecycle
from bot.tickets.errors import InvalidRating, RatingNotOpen, TicketNotFound
from bot.tickets.lifecycle import Actor
from bot.tickets.rating import record_rating
from tests.tickets.builders import NOW, file_ticket

STAFF = Actor.staff("李")


def closed_ticket(session: Session) -> Ticket:
    ticket = file_ticket(session, user_id="me")
    lifecycle.dispatch(session=session, ticket=ticket, actor=STAFF, now=NOW)
    lifecycle.close(session=session, ticket=ticket, actor=STAFF, now=NOW, note="已处理")
    return ticket


def test_owner_rates_a_closed_ticket(db_session: Session) -> None:
    ticket = closed_ticket(db_session)
    record_rating(
        session=db_session, channel="telegram", user_id="me", number=ticket.number.lower(),
        rating=4, comment="来得很快 13812345678", now=NOW,
    )  # fmt: skip
    assert (ticket.rating, ticket.rated_at) == (4, NOW)
    assert ticket.rating_comment == "来得很快 13812345678"
    event = ticket.events[-1]
    assert (event.kind, event.actor, event.details) == (
        "rated",
        "resident:telegram:me",
        {"rating": 4},
    )


def test_only_once(db_session: Session) -> None:
    ticket = closed_ticket(db_session)
    record_rating(session=db_session, channel="telegram", user_id="me", number=ticket.number,
                  rating=5, now=NOW)  # fmt: skip
    with pytest.raises(RatingNotOpen):
        record_rating(session=db_session, channel="telegram", user_id="me",
                      number=ticket.number, rating=1, now=NOW)  # fmt: skip
    assert ticket.rating == 5


def test_open_ticket_cannot_be_rated(db_session: Session) -> None:
    ticket = file_ticket(db_session, user_id="me")
    with pytest.raises(RatingNotOpen):
        record_rating(session=db_session, channel="telegram", user_id="me",
                      number=ticket.number, rating=5, now=NOW)  # fmt: skip


def test_stranger_cannot_rate(db_session: Session) -> None:
    ticket = closed_ticket(db_session)
    with pytest.raises(TicketNotFound):
        record_rating(session=db_session, channel="telegram", user_id="stranger",
                      number=ticket.number, rating=1, now=NOW)  # fmt: skip
    assert ticket.rating is None


@pytest.mark.parametrize("rating", [0, 6, -1, True, 3.5])
def test_rating_is_a_whole_number_from_1_to_5(db_session: Session, rating: object) -> None:
    ticket = closed_ticket(db_session)
    with pytest.raises(InvalidRating):
        record_rating(
            session=db_session,
            channel="telegram",
            user_id="me",
            number=ticket.number,
            rating=rating,  # type: ignore[arg-type]
            now=NOW,
        )
