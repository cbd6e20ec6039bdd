"""Turns built from the engine's events: what was understood, what followed, masked."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from bot.conversations.ids import channel_of, conversation_id, find_sender, user_of
from bot.conversations.service import ConversationRecord
from bot.errors import ConversationNotFound
from tests.conversations.conftest import SECRET
from tests.helpers import rasa_events as ev

SENDER = "wechat:oAbCdEfGh1234567890"
PHONE = "13812345678"


def report_conversation(start: float = 1_764_547_200.0) -> list[dict[str, object]]:
    c = ev.Clock(start)
    return [
        ev.action(c.tick(), "action_session_start"),
        ev.session_started(c.tick()),
        ev.action(c.tick(), "action_listen"),
        ev.user(
            c.tick(),
            "幸福里小区3栋楼道里有人飞线充电",
            "report_problem",
            0.93,
            ranking=[("report_problem", 0.93), ("find_station", 0.04), ("greet", 0.01), ("x", 0.01)],
            entities=[
                {"entity": "problem_type", "start": 12, "end": 16, "value": "飞线充电"},
                {"entity": "place", "start": 0, "end": 7, "value": "幸福里小区3栋"},
            ],
        ),
        ev.slot(c.tick(), "problem_type", "飞线充电"),
        ev.action(c.tick(), "report_form"),
        ev.active_loop(c.tick(), "report_form"),
        ev.bot(c.tick(), "请留个手机号，方便网格员联系您。", [("不留电话", "/deny")]),
        ev.action(c.tick(), "action_listen"),
        ev.user(c.tick(), f"电话{PHONE}", "inform", 0.41, ranking=[("inform", 0.41)]),
        ev.slot(c.tick(), "report_phone", PHONE),
        ev.user(c.tick(), "/share_location{\"latitude\": 30.9312345, \"longitude\": 118.3345678}",
                "share_location", 1.0),
        ev.user(c.tick(), "说个段子", "nlu_fallback", 0.55,
                ranking=[("nlu_fallback", 0.55), ("out_of_scope", 0.3), ("greet", 0.1)]),
    ]  # fmt: skip


def test_turns_carry_intent_ranking_entities_and_what_followed(
    db_engine: Engine, record: ConversationRecord
) -> None:
    ev.write_events(db_engine, SENDER, report_conversation())
    transcript = record.show(conversation_id(SENDER, secret=SECRET))
    first = transcript.turns[0]
    assert transcript.channel == "wechat"
    assert first.intent == "report_problem" and first.confidence == 0.93
    assert [r["name"] for r in first.ranking] == ["report_problem", "find_station", "greet"]
    assert {e["entity"] for e in first.entities} == {"problem_type", "place"}
    assert first.actions == ["report_form"]
    assert first.form == "report_form"
    assert first.slots == {"problem_type": "飞线充电"}
    assert first.bot == ["请留个手机号，方便网格员联系您。"]
    assert first.buttons == [{"title": "不留电话", "payload": "/deny"}]
    assert len(transcript.turns) == 4


def test_phone_numbers_addresses_and_points_are_masked_everywhere(
    db_engine: Engine, record: ConversationRecord
) -> None:
    ev.write_events(db_engine, SENDER, report_conversation())
    shown = json.dumps(
        record.show(conversation_id(SENDER, secret=SECRET)).to_json(), ensure_ascii=False
    )
    assert PHONE not in shown and "138****5678" in shown
    assert "3栋" not in shown and "幸福里小区**" in shown
    assert "30.9312345" not in shown and "30.93" in shown
    assert "oAbCdEfGh1234567890" not in shown


def test_unmasked_view_keeps_the_words(db_engine: Engine, record: ConversationRecord) -> None:
    ev.write_events(db_engine, SENDER, report_conversation())
    transcript = record.show(conversation_id(SENDER, secret=SECRET), masked=False)
    assert transcript.turns[1].user == f"电话{PHONE}"


def test_an_unknown_id_is_a_clear_error(db_engine: Engine, record: ConversationRecord) -> None:
    ev.write_events(db_engine, SENDER, report_conversation())
    with pytest.raises(ConversationNotFound):
        record.show("c000000000000000")


def test_no_record_yet_lists_nothing(record: ConversationRecord) -> None:
    from bot.conversations.listing import Filters

    assert record.list(Filters()) == []


@pytest.mark.parametrize(
    ("sender", "channel", "user"),
    [
        ("telegram:123456", "telegram", "123456"),
        ("wechat:oAbc", "wechat", "oAbc"),
        ("terminal:9f8e", "terminal", "9f8e"),
        ("some-client-id", "rest", "some-client-id"),
        ("weird:thing", "rest", "weird:thing"),
    ],
)
def test_channel_and_user_from_the_sender_id(sender: str, channel: str, user: str) -> None:
    assert channel_of(sender) == channel
    assert user_of(sender) == user


def test_ids_are_keyed_stable_and_findable() -> None:
    a = conversation_id("telegram:1", secret="s1")
    assert a == conversation_id("telegram:1", secret="s1")
    assert a != conversation_id("telegram:1", secret="s2")
    assert a[1:] != "1" and a.startswith("c") and len(a) == 16
    assert find_sender(["telegram:2", "telegram:1"], a.upper(), secret="s1") == "telegram:1"
