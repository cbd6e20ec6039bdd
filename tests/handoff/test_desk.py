"""The desk keeps the handoff record and the engine's pause together: if the engine cannot be
told, nothing changes in the record either."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import make_session_factory
from bot.errors import EngineUnavailable
from bot.handoff import service
from bot.handoff.desk import HandoffDesk
from tests.handoff.test_service import CID, NOW, ask


@dataclass
class EngineSide:
    """Records what the engine was asked; `down` refuses like an unreachable engine."""

    down: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def _call(self, what: str, sender: str) -> None:
        if self.down:
            raise EngineUnavailable("engine down")
        self.calls.append((what, sender))

    def pause(self, sender_id: str) -> None:
        self._call("pause", sender_id)

    def resume(self, sender_id: str) -> None:
        self._call("resume", sender_id)

    def note_staff_reply(self, sender_id: str, text: str, by: str) -> None:
        self._call("note", sender_id)


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


def test_claim_after_hours_pauses_and_release_resumes(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session, paused=False)  # asked after hours: the assistant was still answering
    engine = EngineSide()
    desk = HandoffDesk(session_factory=factory, control=engine, clock=lambda: NOW)
    assert desk.claim(CID, by="王芳").state == "held"
    desk.reply(CID, "您好", by="王芳")
    assert desk.release(CID, by="王芳").state == "released"
    sender = "wechat:oResident"
    assert engine.calls == [("pause", sender), ("note", sender), ("resume", sender)]


def test_engine_down_leaves_the_handoff_waiting(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        ask(session, paused=False)
    desk = HandoffDesk(session_factory=factory, control=EngineSide(down=True), clock=lambda: NOW)
    with pytest.raises(EngineUnavailable):
        desk.claim(CID, by="王芳")
    with factory.begin() as session:
        assert service.open_handoff(session, CID).state == "waiting"  # type: ignore[union-attr]


def test_a_reply_is_sent_even_if_the_record_cannot_take_its_copy(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        ask(session, paused=True)
    engine = EngineSide()
    desk = HandoffDesk(session_factory=factory, control=engine, clock=lambda: NOW)
    engine.down = True
    assert desk.reply(CID, "您好", by="王芳").held_by == "王芳"
