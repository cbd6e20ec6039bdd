"""`action_human_handoff` called directly (rasa-sdk's way of testing actions): in staff hours
the engine is paused; outside them the resident hears when staff are back and gets a choice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import context
from actions import handoff as handoff_actions
from bot.db.handoffs import Handoff
from bot.db.tickets import Ticket

TUESDAY_10H = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SATURDAY_22H = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def action_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'actions.db'}")
    monkeypatch.setenv("JIAMENKOU_STAFF_HOURS", "周一至周五 08:30-17:30")
    context.settings.cache_clear()
    context.session_factory.cache_clear()
    yield
    context.settings.cache_clear()
    context.session_factory.cache_clear()


def tracker(text: str = "我要找人工") -> Tracker:
    message = {"text": text, "intent": {"name": "human_handoff", "confidence": 0.97}}
    events = [{"event": "user", "text": text, "parse_data": message}]
    return Tracker("wechat:oResident", {}, message, events, False, None, {}, "action_listen")


def run(
    action: object, at: datetime, monkeypatch: pytest.MonkeyPatch, t: Tracker
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    monkeypatch.setattr(handoff_actions, "utcnow", lambda: at)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))  # type: ignore[attr-defined]
    return events, dispatcher.messages


def test_in_staff_hours_the_conversation_pauses_for_a_person(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    events, said = run(handoff_actions.ActionHumanHandoff(), TUESDAY_10H, monkeypatch, tracker())
    assert events == [{"event": "pause", "timestamp": None}]
    assert said[0]["response"] == "utter_handoff_waiting"
    with context.transaction() as session:
        stored = session.scalars(select(Handoff)).one()
        assert stored.state == "waiting" and stored.paused and stored.in_staff_hours
        assert stored.user_id == "oResident" and stored.channel == "wechat"


def test_after_hours_says_when_staff_are_back_and_offers_a_ticket(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    events, said = run(handoff_actions.ActionHumanHandoff(), SATURDAY_22H, monkeypatch, tracker())
    assert events == []  # the assistant keeps helping meanwhile
    assert said[0]["response"] == "utter_handoff_after_hours"
    assert said[0]["back_at"] == "12月7日（周一）08:30"
    with context.transaction() as session:
        stored = session.scalars(select(Handoff)).one()
        assert not stored.paused and not stored.in_staff_hours

    events, said = run(
        handoff_actions.ActionHandoffCallback(), SATURDAY_22H, monkeypatch, tracker()
    )
    assert said[0]["response"] == "utter_handoff_callback_filed"
    number = said[0]["ticket_number"]
    assert events == [{"event": "slot", "timestamp": None, "name": "ticket_id", "value": number}]
    with context.transaction() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert ticket.number == number and ticket.channel_user_id == "oResident"
        assert session.scalars(select(Handoff)).one().state == "escalated"


def test_a_new_session_keeps_a_held_conversation_paused(
    action_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(handoff_actions.ActionHumanHandoff(), TUESDAY_10H, monkeypatch, tracker())
    events, _ = run(handoff_actions.ActionSessionStart(), TUESDAY_10H, monkeypatch, tracker())
    assert [e["event"] for e in events] == ["session_started", "action", "pause"]
    other = Tracker("wechat:oOther", {}, {}, [], False, None, {}, "action_listen")
    events, _ = run(handoff_actions.ActionSessionStart(), TUESDAY_10H, monkeypatch, other)
    assert [e["event"] for e in events] == ["session_started", "action"]
