"""Handoff records: one open per conversation, exclusive claims, replies, release, escalation."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.handoffs import Handoff, HandoffState
from bot.db.outbox import OutboxMessage
from bot.db.session import make_session_factory
from bot.db.tickets import Ticket
from bot.errors import HandoffNotFound, HandoffTaken
from bot.handoff import service

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in China, a Tuesday
CID = "c0123456789abcde"


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


def ask(session: Session, *, cid: str = CID, paused: bool = True) -> tuple[Handoff, bool]:
    return service.request(
        session,
        conversation_id=cid,
        sender_id="wechat:oResident",
        channel="wechat",
        user_id="oResident",
        now=NOW,
        in_staff_hours=paused,
        escalate_at=NOW + timedelta(minutes=10),
        paused=paused,
        question="社区什么时候办老年卡？",
    )


def test_asking_twice_keeps_one_open_handoff(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        first, created = ask(session)
        again, created_again = ask(session)
    assert created and not created_again and first.id == again.id
    with factory.begin() as session:
        assert [h.conversation_id for h in service.list_open(session)] == [CID]
        assert service.latest_states(session) == {CID: "waiting"}


def test_claim_is_exclusive(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session)
    with factory.begin() as session:
        held = service.claim(session, conversation_id=CID, by="王芳", now=NOW)
        assert held.state is HandoffState.HELD and held.held_by == "王芳"
    with factory.begin() as session:  # claiming again what one holds is fine
        assert service.claim(session, conversation_id=CID, by="王芳", now=NOW).held_by == "王芳"
    with factory.begin() as session, pytest.raises(HandoffTaken, match="王芳"):
        service.claim(session, conversation_id=CID, by="李强", now=NOW)


def test_two_staff_claiming_at_once_one_wins(db_engine: Engine) -> None:
    factory = make_session_factory(db_engine)
    with factory.begin() as session:
        ask(session)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(name: str) -> None:
        barrier.wait()
        try:
            with factory.begin() as session:
                service.claim(session, conversation_id=CID, by=name, now=NOW)
            outcomes[name] = "won"
        except HandoffTaken:
            outcomes[name] = "refused"

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("王芳", "李强")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["refused", "won"]
    with factory.begin() as session:
        winner = next(n for n, o in outcomes.items() if o == "won")
        assert service.open_handoff(session, CID).held_by == winner  # type: ignore[union-attr]


def test_reply_claims_queues_the_message_and_refuses_others(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session)
        service.reply(
            session, conversation_id=CID, text="您好，我是社区的王芳。", by="王芳", now=NOW
        )
    with factory.begin() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert message.channel == "wechat" and message.user_id == "oResident"
        assert "我是社区的王芳" in message.text and message.kind == "handoff_reply"
        with pytest.raises(HandoffTaken):
            service.reply(session, conversation_id=CID, text="我来", by="李强", now=NOW)
        with pytest.raises(ValueError):
            service.reply(session, conversation_id=CID, text="  ", by="王芳", now=NOW)


def test_release_tells_the_resident_and_closes(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session)
        service.claim(session, conversation_id=CID, by="王芳", now=NOW)
        with pytest.raises(HandoffTaken):
            service.release(session, conversation_id=CID, by="李强", now=NOW)
        released = service.release(session, conversation_id=CID, by="王芳", now=NOW)
        assert released.state is HandoffState.RELEASED
    with factory.begin() as session:
        assert service.list_open(session) == []
        assert session.scalars(select(OutboxMessage.kind)).all() == ["handoff_released"]
        with pytest.raises(HandoffNotFound):
            service.release(session, conversation_id=CID, by="王芳", now=NOW)


def test_unclaimed_in_time_becomes_a_ticket(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session)
        ask(session, cid="c_not_due_yet000")
        session.execute(
            Handoff.__table__.update()
            .where(Handoff.conversation_id == "c_not_due_yet000")
            .values(escalate_at=NOW + timedelta(hours=1))
        )
    later = NOW + timedelta(minutes=11)
    with factory.begin() as session:
        due = service.due_for_escalation(session, now=later)
        assert [h.conversation_id for h in due] == [CID]
        ticket = service.escalate(session, due[0], now=later)
        number = ticket.number
    with factory.begin() as session:
        stored = session.scalars(select(Ticket)).one()
        assert stored.channel == "wechat" and stored.channel_user_id == "oResident"
        assert "老年卡" in stored.description
        notice = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "handoff_escalated")
        ).one()
        assert number in notice.text
        assert service.latest_states(session)[CID] == "escalated"
        assert service.due_for_escalation(session, now=later) == []
