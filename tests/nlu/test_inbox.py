"""The inbox from conversation turns: what comes in, grouping of near-duplicates, ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversations.record import Turn
from bot.nlu.inbox import collect_inbox, item_id

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def turn(minute: int, text: str, intent: str, confidence: float, **kw: object) -> Turn:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.1}]
    return Turn(
        at=T0 + timedelta(minutes=minute),
        user=text,
        intent=intent,
        confidence=confidence,
        ranking=ranking,
        **kw,  # type: ignore[arg-type]
    )


def test_unsure_fallback_contradicted_and_handoff_messages_come_in() -> None:
    turns = [
        turn(0, "你好", "greet", 0.99),
        turn(1, "驿站几点关门", "ask_opening_hours", 0.41),
        turn(2, "啊啊啊", "nlu_fallback", 0.3),
        turn(3, "我要办居住证", "find_station", 0.9),
        turn(4, "不对，我是要办证", "deny", 0.8),
        turn(5, "你好，我想问一下社保", "greet", 0.95, paused=True),
    ]
    items = {i.text: i for i in collect_inbox([("c1", turns)], threshold=0.6)}
    assert set(items) == {"驿站几点关门", "啊啊啊", "我要办居住证", "你好，我想问一下社保"}
    assert items["驿站几点关门"].reasons == {"low_confidence"}
    assert items["啊啊啊"].reasons == {"fallback"}
    assert items["我要办居住证"].reasons == {"contradicted"}
    assert items["你好，我想问一下社保"].reasons == {"handoff"}
    assert [s["name"] for s in items["驿站几点关门"].suggestions] == ["ask_opening_hours", "greet"]


def test_near_duplicates_group_and_frequent_items_come_first() -> None:
    one = [turn(0, "驿站几点关门", "ask_opening_hours", 0.4)]
    two = [turn(5, "驿站几点关门？", "ask_opening_hours", 0.5)]
    three = [
        turn(6, "驿站几点关门呀", "ask_opening_hours", 0.3),
        turn(9, "哈哈哈", "nlu_fallback", 0.2),
    ]
    items = collect_inbox([("a", one), ("b", two), ("c", three)], threshold=0.6)
    assert [i.text for i in items] == ["驿站几点关门", "哈哈哈"]
    assert items[0].count == 3 and items[0].variants == ["驿站几点关门呀"]
    assert items[0].id == item_id("驿站几点关门")
    assert items[0].to_json()["conversations"] == 3


def test_known_texts_decided_items_and_payloads_stay_out() -> None:
    turns = [
        turn(0, "/share_location{}", "share_location", 0.1),
        turn(1, "驿站几点关门", "ask_opening_hours", 0.4),
        turn(2, "哈哈哈", "nlu_fallback", 0.2),
    ]
    items = collect_inbox(
        [("a", turns)],
        threshold=0.6,
        decided=frozenset({item_id("哈哈哈")}),
        known_texts=frozenset({"驿站几点关门"}),
    )
    assert items == []
