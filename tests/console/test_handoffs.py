"""The handoff desk in the console: who sees which, exclusive claim, reply through the outbox,
polite refusals (engine down, someone else holds it, no CSRF), audit entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations.ids import conversation_id
from bot.db.handoffs import Handoff, HandoffState
from bot.db.outbox import OutboxMessage
from bot.db.staff import AuditEntry
from bot.handoff import service as handoffs
from tests.console.conftest import GRID_A, SECRET, Login
from tests.helpers.rasa_events import Clock, session_started, user, write_events
from tests.tickets.builders import NOW, file_ticket

SHARED = "wechat:oShared_desk_0000000000"  # filed no ticket: every grid's staff may answer
ROUTED = "telegram:40001"  # has a ticket in grid A: only grid A's staff


def _open(session: Session, sender: str, user_id: str, channel: str) -> str:
    cid = conversation_id(sender, secret=SECRET)
    handoffs.request(
        session,
        conversation_id=cid,
        sender_id=sender,
        channel=channel,
        user_id=user_id,
        now=NOW,
        in_staff_hours=True,
        escalate_at=NOW + timedelta(minutes=10),
        paused=True,  # asked in staff hours: the engine paused it already
        question="我要找人工，电话13812345678",
    )
    return cid


@pytest.fixture
def waiting(db_engine: Engine, factory: sessionmaker[Session]) -> dict[str, str]:
    clock = Clock(NOW.timestamp() - 600)
    for sender in (SHARED, ROUTED):
        write_events(
            db_engine,
            sender,
            [
                session_started(clock.tick()),
                user(clock.tick(), "我要找人工", "human_handoff", 0.97),
            ],
        )
    with factory.begin() as session:
        ticket = file_ticket(session, user_id="40001")
        ticket.grid = GRID_A
        return {
            "shared": _open(session, SHARED, "oShared_desk_0000000000", "wechat"),
            "routed": _open(session, ROUTED, "40001", "telegram"),
        }


def _state(factory: sessionmaker[Session], cid: str) -> Handoff:
    with factory() as session:
        found = session.scalars(
            select(Handoff).where(Handoff.conversation_id == cid).order_by(Handoff.id.desc())
        ).first()
        assert found is not None
        session.expunge(found)
        return found


def test_waiting_list_is_scoped_to_the_grid_plus_the_shared_desk(
    login: Login, waiting: dict[str, str]
) -> None:
    wang, _ = login("wang")
    page = wang.get("/console/handoffs")
    assert page.status_code == 200
    assert waiting["shared"] in page.text and waiting["routed"] in page.text
    assert "13812345678" in page.text  # the question as asked, for the staff who call back
    li, li_csrf = login("li")
    page = li.get("/console/handoffs").text
    assert waiting["shared"] in page and waiting["routed"] not in page
    assert li.get(f"/console/handoffs/{waiting['routed']}").status_code == 404
    refused = li.post(f"/console/handoffs/{waiting['routed']}/claim", data={"csrf_token": li_csrf})
    assert refused.status_code == 404


def test_claim_reply_and_exclusive_hold(
    login: Login, waiting: dict[str, str], factory: sessionmaker[Session]
) -> None:
    cid = waiting["shared"]
    wang, csrf = login("wang")
    claimed = wang.post(f"/console/handoffs/{cid}/claim", data={"csrf_token": csrf})
    assert claimed.status_code == 200 and "您已接入" in claimed.text
    assert _state(factory, cid).held_by == "wang"

    li, li_csrf = login("li")
    taken = li.post(
        f"/console/handoffs/{cid}/reply", data={"csrf_token": li_csrf, "text": "我来吧"}
    )
    assert taken.status_code == 409 and "另一位工作人员" in taken.text
    assert "我来吧" in taken.text  # the draft is kept

    sent = wang.post(
        f"/console/handoffs/{cid}/reply",
        data={"csrf_token": csrf, "text": "您好，我是社区的王芳。"},
    )
    assert sent.status_code == 200 and "回复已发出" in sent.text
    with factory() as session:
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "handoff_reply")
        ).all()
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert [m.user_id for m in queued] == ["oShared_desk_0000000000"]
    assert "我是社区的王芳" in queued[0].text
    assert "handoff.claim" in actions and "handoff.reply" in actions


def test_release_with_the_engine_down_is_refused_politely_and_changes_nothing(
    login: Login, waiting: dict[str, str], factory: sessionmaker[Session]
) -> None:
    cid = waiting["shared"]
    wang, csrf = login("wang")
    wang.post(f"/console/handoffs/{cid}/claim", data={"csrf_token": csrf})
    response = wang.post(f"/console/handoffs/{cid}/release", data={"csrf_token": csrf})
    assert response.status_code == 503 and "对话引擎未运行" in response.text
    assert _state(factory, cid).state is HandoffState.HELD


def test_empty_reply_and_missing_csrf_are_refused(
    login: Login, waiting: dict[str, str], factory: sessionmaker[Session]
) -> None:
    cid = waiting["shared"]
    wang, csrf = login("wang")
    assert (
        wang.post(f"/console/handoffs/{cid}/reply", data={"csrf_token": csrf, "text": "  "})
    ).status_code == 400
    assert wang.post(f"/console/handoffs/{cid}/claim", data={}).status_code == 403
    assert _state(factory, cid).state is HandoffState.WAITING


def test_trainers_and_anonymous_have_no_desk(
    login: Login, app_client: TestClient, waiting: dict[str, str]
) -> None:
    cid = waiting["shared"]
    trainer, csrf = login("trainer")
    assert trainer.get("/console/handoffs").status_code == 403
    assert (
        trainer.post(f"/console/handoffs/{cid}/claim", data={"csrf_token": csrf}).status_code == 403
    )
    assert app_client.get("/console/handoffs", follow_redirects=False).status_code == 303
    fragment = app_client.get(
        f"/console/handoffs/{cid}/turns", headers={"X-Requested-With": "fetch"}
    )
    assert fragment.status_code == 401


def test_the_polled_fragment_is_the_transcript_alone(
    login: Login, waiting: dict[str, str], db_engine: Engine
) -> None:
    cid = waiting["shared"]
    wang, _ = login("wang")
    before = wang.get(f"/console/handoffs/{cid}/turns", headers={"X-Requested-With": "fetch"})
    assert before.status_code == 200 and "<html" not in before.text
    write_events(
        db_engine, SHARED, [user(NOW.timestamp(), "还在吗？老年卡怎么办", "ask_services", 0.52)]
    )
    after = wang.get(f"/console/handoffs/{cid}/turns", headers={"X-Requested-With": "fetch"})
    assert "老年卡怎么办" in after.text and "老年卡怎么办" not in before.text


def test_a_handoff_that_is_over_says_so(login: Login) -> None:
    admin, csrf = login("admin")
    response = admin.post("/console/handoffs/c123456789abcdef/claim", data={"csrf_token": csrf})
    assert response.status_code == 404
