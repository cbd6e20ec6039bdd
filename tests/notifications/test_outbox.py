"""The outbox row is written in the same transaction as the change it reports."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.db.session import make_session_factory
from bot.db.tickets import Ticket, TicketStatus
from bot.notifications.outbox import enqueue
from bot.notifications.sender import Button
from bot.tickets import lifecycle
from bot.tickets.lifecycle import Actor
from tests.tickets.builders import NOW, file_ticket


class Boom(Exception):
    pass


def test_change_and_message_commit_together_or_not_at_all(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        ticket_id = file_ticket(session).id
    with pytest.raises(Boom), factory.begin() as session:
        ticket = session.get_one(Ticket, ticket_id)
        lifecycle.dispatch(session=session, ticket=ticket, actor=Actor.staff("李"), now=NOW)
        raise Boom  # e.g. the conversation failed after the change
    with factory() as session:
        assert session.get_one(Ticket, ticket_id).status is TicketStatus.ACCEPTED
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    with factory.begin() as session:
        ticket = session.get_one(Ticket, ticket_id)
        lifecycle.dispatch(session=session, ticket=ticket, actor=Actor.staff("李"), now=NOW)
    with factory() as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert (message.status, message.attempts, message.next_attempt_at) == (
            OutboxStatus.PENDING, 0, NOW,
        )  # fmt: skip


def test_enqueue_keeps_buttons(db_session: Session) -> None:
    message = enqueue(
        session=db_session, channel="wechat", user_id="o-1", text="你好", now=NOW,
        buttons=[Button("5分", "/rate{5}")], kind="rating_request",
    )  # fmt: skip
    db_session.flush()
    assert message is not None and message.buttons == [{"title": "5分", "payload": "/rate{5}"}]


def test_pull_only_channels_get_no_message(db_session: Session) -> None:
    assert enqueue(session=db_session, channel="open311", user_id="k:-", text="x", now=NOW) is None
