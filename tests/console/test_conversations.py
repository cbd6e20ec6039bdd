"""Conversations in the console: grid scoping, masking by role, filters, ticket links."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations.ids import conversation_id
from bot.db.staff import AuditEntry
from bot.handoff import service as handoffs
from tests.console.conftest import GRID_A, GRID_B, SECRET, Login
from tests.helpers.rasa_events import Clock, bot, session_started, user, write_events
from tests.tickets.builders import NOW, file_ticket


@dataclass(frozen=True)
class Chats:
    a: str  # reported a problem in grid A, with a phone number, understood with low confidence
    b: str  # reported in grid B
    c: str  # asked for a person, filed nothing: the shared desk
    ticket_a: str


def _cid(sender: str) -> str:
    return conversation_id(sender, secret=SECRET)


@pytest.fixture
def chats(db_engine: Engine, factory: sessionmaker[Session]) -> Iterator[Chats]:
    clock = Clock(NOW.timestamp() - 3600)
    senders = {"a": "telegram:30001", "b": "telegram:30002", "c": "wechat:oShared_1234567890"}
    t = clock.tick
    write_events(
        db_engine,
        senders["a"],
        [
            session_started(t()),
            user(t(), "楼下路灯坏了，电话13812345678", "report_problem", 0.41,
                 ranking=[("report_problem", 0.41), ("find_station", 0.33)]),
            bot(t(), "请问具体在哪里？"),
        ],
    )  # fmt: skip
    write_events(
        db_engine,
        senders["b"],
        [session_started(t()), user(t(), "晚上太吵了", "report_problem", 0.93)],
    )
    write_events(
        db_engine,
        senders["c"],
        [session_started(t()), user(t(), "我要找人工客服", "human_handoff", 0.98)],
    )
    with factory.begin() as session:
        a = file_ticket(session, user_id="30001")
        a.grid = GRID_A
        b = file_ticket(session, user_id="30002", category="噪音扰民")
        b.grid = GRID_B
        handoffs.request(
            session,
            conversation_id=_cid(senders["c"]),
            sender_id=senders["c"],
            channel="wechat",
            user_id="oShared_1234567890",
            now=NOW,
            in_staff_hours=True,
            escalate_at=NOW + timedelta(minutes=10),
            paused=True,
            question="我要找人工客服",
        )
        number = a.number
    yield Chats(_cid(senders["a"]), _cid(senders["b"]), _cid(senders["c"]), number)


def test_staff_list_their_grids_conversations_and_the_shared_desk(
    login: Login, chats: Chats
) -> None:
    client, _ = login("wang")
    page = client.get("/console/conversations").text
    assert chats.a in page and chats.c in page and chats.b not in page
    assert client.get(f"/console/conversations/{chats.b}").status_code == 404
    li, _ = login("li")
    page = li.get("/console/conversations").text
    assert chats.b in page and chats.c in page and chats.a not in page
    assert li.get(f"/console/conversations/{chats.a}").status_code == 404


def test_transcript_shows_intent_confidence_alternatives_and_the_ticket(
    login: Login, chats: Chats, factory: sessionmaker[Session]
) -> None:
    client, _ = login("wang")
    page = client.get(f"/console/conversations/{chats.a}")
    assert page.status_code == 200
    text = page.text
    assert "report_problem" in text and "0.41" in text and "find_station 0.33" in text
    assert "请问具体在哪里" in text
    assert f"/console/tickets/{chats.ticket_a}" in text
    assert "13812345678" in text  # the grid's own staff read it as written …
    with factory() as session:
        viewed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "conversation.view")
        ).all()
    assert [e.target for e in viewed] == [chats.a]  # … and that reading is audited


def test_trainer_reads_every_grid_masked(login: Login, chats: Chats) -> None:
    client, _ = login("trainer")
    page = client.get("/console/conversations").text
    assert chats.a in page and chats.b in page and chats.c in page
    transcript = client.get(f"/console/conversations/{chats.a}").text
    assert "13812345678" not in transcript and "138****5678" in transcript


def test_filters_low_confidence_text_and_intent(login: Login, chats: Chats) -> None:
    client, _ = login("admin")

    def ids(**params: str) -> set[str]:
        page = client.get("/console/conversations", params=params).text
        return {c for c in (chats.a, chats.b, chats.c) if c in page}

    assert ids(low="1") == {chats.a}
    assert ids(text="太吵") == {chats.b}
    assert ids(intent="human_handoff") == {chats.c}
    assert ids(handoff="1") == {chats.c}
    assert ids(channel="wechat") == {chats.c}
    assert ids(since="2000-01-01", until="2000-01-02") == set()
    bad = client.get("/console/conversations", params={"since": "yesterday"})
    assert bad.status_code == 200 and "日期格式" in bad.text


def test_story_export_is_for_trainers_and_admins_and_audited(
    login: Login, chats: Chats, factory: sessionmaker[Session]
) -> None:
    trainer, _ = login("trainer")
    story = trainer.get(f"/console/conversations/{chats.a}/story")
    assert story.status_code == 200 and "stories:" in story.text
    assert "13812345678" not in story.text
    wang, _ = login("wang")
    assert wang.get(f"/console/conversations/{chats.a}/story").status_code == 403
    with factory() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "conversation.export" in actions


def test_anonymous_and_unknown_conversations(app_client: TestClient, login: Login) -> None:
    assert app_client.get("/console/conversations", follow_redirects=False).status_code == 303
    client, _ = login("admin")
    missing = client.get("/console/conversations/c000000000000000")
    assert missing.status_code == 404 and "没有这个会话" in missing.text
