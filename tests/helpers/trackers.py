"""`make_tracker()`: a rasa-sdk Tracker as the engine would send it, for calling actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    *,
    sender_id: str = "telegram:424242",
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "",
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": {},
    }
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=None,
    )
