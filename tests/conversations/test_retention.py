"""Purge after the retention period and "forget me": what goes and what stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations import retention
from bot.conversations.service import ConversationRecord
from tests.conversations.test_record import report_conversation
from tests.helpers import rasa_events as ev

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
DAY = 86_400.0


def count(factory: sessionmaker[Session], sender: str) -> int:
    engine = factory.kw["bind"]
    return ev.count_events(engine, sender)


def test_purge_deletes_old_conversations_and_old_sessions_only(
    db_engine: Engine, factory: sessionmaker[Session]
) -> None:
    old = (NOW - timedelta(days=200)).timestamp()
    ev.write_events(db_engine, "wechat:gone", report_conversation(old))
    # A resident who talked 200 days ago and again today: the old session goes, today's stays.
    ev.write_events(db_engine, "wechat:back", report_conversation(old))
    ev.write_events(db_engine, "wechat:back", report_conversation(NOW.timestamp() - 60))
    ev.write_events(db_engine, "wechat:new", report_conversation(NOW.timestamp() - 60))
    per_conversation = len(report_conversation())
    with factory.begin() as session:
        deleted = retention.purge_before(session, before=NOW - timedelta(days=180))
    assert deleted == 2 * per_conversation
    assert count(factory, "wechat:gone") == 0
    assert count(factory, "wechat:back") == per_conversation
    assert count(factory, "wechat:new") == per_conversation


def test_purge_never_cuts_into_the_current_session(
    db_engine: Engine, factory: sessionmaker[Session]
) -> None:
    # The session started before the cutoff and is still going: Rasa counts its events.
    c = ev.Clock((NOW - timedelta(days=181)).timestamp())
    events = [ev.session_started(c.tick()), ev.user(c.tick(), "你好", "greet", 0.9)]
    events.append(ev.user(NOW.timestamp() - 5, "还在吗", "greet", 0.9))
    ev.write_events(db_engine, "telegram:7", events)
    with factory.begin() as session:
        assert retention.purge_before(session, before=NOW - timedelta(days=180)) == 0
    assert count(factory, "telegram:7") == 3


def test_forget_deletes_one_residents_events_and_closes_their_handoff(
    db_engine: Engine, factory: sessionmaker[Session], record: ConversationRecord
) -> None:
    from bot.db.handoffs import Handoff, HandoffState
    from bot.handoff import service

    ev.write_events(db_engine, "wechat:me", report_conversation())
    ev.write_events(db_engine, "wechat:other", report_conversation())
    with factory.begin() as session:
        service.request(
            session,
            conversation_id=record.id_of("wechat:me"),
            sender_id="wechat:me",
            channel="wechat",
            user_id="me",
            now=NOW,
            in_staff_hours=True,
            escalate_at=NOW,
            paused=True,
            question="我家楼道灯坏了",
        )
    assert record.forget("wechat:me", now=NOW) == len(report_conversation())
    assert count(factory, "wechat:me") == 0
    assert count(factory, "wechat:other") == len(report_conversation())
    with factory.begin() as session:
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.state is HandoffState.CLOSED and handoff.question is None


def test_purge_and_forget_without_a_record_do_nothing(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        assert retention.purge_before(session, before=NOW) == 0
        assert retention.forget_sender(session, sender_id="x") == 0
