"""Events shaped as Rasa 3.6's SQL tracker store writes them (`events.data` is the event's
`as_dict()`), and a writer that fills an `events` table like the engine does."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, func, insert, select

from bot.conversations import store


class Clock:
    """Event timestamps one second apart from `start` (Unix seconds)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def tick(self, seconds: float = 1.0) -> float:
        self.now += seconds
        return self.now


def session_started(t: float) -> dict[str, Any]:
    return {"event": "session_started", "timestamp": t, "metadata": {}}


def action(t: float, name: str) -> dict[str, Any]:
    return {"event": "action", "timestamp": t, "name": name, "policy": None, "confidence": 1.0}


def user(
    t: float,
    text: str,
    intent: str,
    confidence: float,
    *,
    ranking: list[tuple[str, float]] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    ranked = ranking or [(intent, confidence)]
    return {
        "event": "user",
        "timestamp": t,
        "metadata": {"channel": "wechat", "message_id": f"m{t}"},
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "text": text,
            "message_id": f"rasa-{t}",
            "metadata": {},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranked],
        },
        "input_channel": "rest",
        "message_id": f"rasa-{t}",
    }


def bot(t: float, text: str, buttons: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": t,
        "metadata": {"utter_action": "utter_x"},
        "text": text,
        "data": {
            "elements": None,
            "quick_replies": None,
            "buttons": [{"title": a, "payload": b} for a, b in buttons or []],
            "attachment": None,
            "image": None,
            "custom": None,
        },
    }


def slot(t: float, name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": t, "name": name, "value": value}


def active_loop(t: float, name: str | None) -> dict[str, Any]:
    return {"event": "active_loop", "timestamp": t, "name": name}


def pause(t: float) -> dict[str, Any]:
    return {"event": "pause", "timestamp": t}


def write_events(engine: Engine, sender_id: str, events: Iterable[dict[str, Any]]) -> None:
    """Append rows as `SQLTrackerStore.save` does (the table is created like the engine's)."""
    store.metadata.create_all(engine)
    rows = [
        {
            "sender_id": sender_id,
            "type_name": e["event"],
            "timestamp": e["timestamp"],
            "intent_name": (e.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": e.get("name"),
            "data": json.dumps(e),
        }
        for e in events
    ]
    with engine.begin() as connection:
        connection.execute(insert(store.events), rows)


def count_events(engine: Engine, sender_id: str) -> int:
    """How many events the record holds for one conversation."""
    with engine.connect() as connection:
        query = (
            select(func.count())
            .select_from(store.events)
            .where(store.events.c.sender_id == sender_id)
        )
        return int(connection.scalar(query) or 0)
