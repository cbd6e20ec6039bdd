"""Ownership: a resident sees only their own tickets; staff lists and the 办结率."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.db.tickets import TicketStatus
from bot.tickets import lifecycle
from bot.tickets.errors import InvalidTicketNumber, TicketNotFound
from bot.tickets.lifecycle import Actor
from bot.tickets.queries import (
    closure_rate,
    get_ticket,
    get_ticket_for_owner,
    latest_ticket_for_owner,
    list_tickets,
    status_counts,
    tickets_for_owner,
)
from tests.tickets.builders import NOW, file_ticket

STAFF = Actor.staff("李")


def test_owner_sees_own_tickets_newest_first(db_session: Session) -> None:
    mine = [file_ticket(db_session, user_id="me") for _ in range(3)]
    file_ticket(db_session, user_id="neighbour")
    file_ticket(db_session, user_id="me", channel="wechat")  # same id, other channel
    found = tickets_for_owner(session=db_session, channel="telegram", user_id="me")
    assert [t.id for t in found] == [t.id for t in reversed(mine)]


def test_open_only_hides_finished_tickets(db_session: Session) -> None:
    done = file_ticket(db_session, user_id="me")
    lifecycle.reject(session=db_session, ticket=done, actor=STAFF, now=NOW, reason="重复")
    still = file_ticket(db_session, user_id="me")
    found = tickets_for_owner(session=db_session, channel="telegram", user_id="me", open_only=True)
    assert [t.id for t in found] == [still.id]


def test_my_latest(db_session: Session) -> None:
    assert latest_ticket_for_owner(session=db_session, channel="telegram", user_id="me") is None
    file_ticket(db_session, user_id="me")
    last = file_ticket(db_session, user_id="me")
    file_ticket(db_session, user_id="other")
    assert latest_ticket_for_owner(session=db_session, channel="telegram", user_id="me") is last


@pytest.mark.parametrize("typed", ["{n}", "{n_lower}", "GD-{digits}"])
def test_owner_gets_own_ticket_in_any_typed_form(db_session: Session, typed: str) -> None:
    ticket = file_ticket(db_session, user_id="me")
    number = typed.format(n=ticket.number, n_lower=ticket.number.lower(), digits=ticket.number[2:])
    found = get_ticket_for_owner(
        session=db_session, channel="telegram", user_id="me", number=number
    )
    assert found is ticket


def test_someone_elses_ticket_looks_like_a_missing_one(db_session: Session) -> None:
    theirs = file_ticket(db_session, user_id="neighbour")
    with pytest.raises(TicketNotFound) as other:
        get_ticket_for_owner(
            session=db_session, channel="telegram", user_id="me", number=theirs.number
        )
    with pytest.raises(TicketNotFound) as missing:
        get_ticket_for_owner(
            session=db_session, channel="telegram", user_id="me", number="GD999999"
        )
    assert str(other.value).replace(theirs.number, "N") == str(missing.value).replace(
        "GD999999", "N"
    )
    with pytest.raises(InvalidTicketNumber):
        get_ticket_for_owner(session=db_session, channel="telegram", user_id="me", number="hello")


def test_staff_lookup_and_filters(db_session: Session) -> None:
    a = file_ticket(db_session, category="漏水")
    b = file_ticket(db_session, category="路灯损坏", now=NOW + timedelta(days=2))
    lifecycle.dispatch(session=db_session, ticket=b, actor=STAFF, now=NOW)
    assert get_ticket(session=db_session, number=a.number.lower()) is a
    with pytest.raises(TicketNotFound):
        get_ticket(session=db_session, number="GD999999")
    by_status = list_tickets(session=db_session, statuses=[TicketStatus.DISPATCHED])
    assert by_status == [b]
    assert list_tickets(session=db_session, categories=["漏水"]) == [a]
    assert list_tickets(session=db_session, until=NOW + timedelta(days=1)) == [a]
    assert list_tickets(session=db_session, since=NOW + timedelta(days=1)) == [b]
    assert list_tickets(session=db_session, ids=[a.id, b.id]) == [b, a]


def test_closure_rate_leaves_returned_tickets_out(db_session: Session) -> None:
    tickets = [file_ticket(db_session) for _ in range(4)]
    for ticket in tickets[:2]:
        lifecycle.dispatch(session=db_session, ticket=ticket, actor=STAFF, now=NOW)
        lifecycle.close(session=db_session, ticket=ticket, actor=STAFF, now=NOW, note="好了")
    lifecycle.reject(session=db_session, ticket=tickets[2], actor=STAFF, now=NOW, reason="重复")
    db_session.flush()
    counts = status_counts(session=db_session)
    assert counts == {TicketStatus.CLOSED: 2, TicketStatus.REJECTED: 1, TicketStatus.ACCEPTED: 1}
    assert closure_rate(counts) == pytest.approx(2 / 3)
    assert closure_rate({}) == 0.0
