"""`make_tracker()` / `make_form_tracker()`: rasa-sdk Trackers as the engine would send them, and
`engine_domain()`, the domain the actions receive."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
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


ROOT = Path(__file__).resolve().parents[2]


@cache
def engine_domain() -> dict[str, Any]:
    """The engine's domain as the action server receives it: every file of engine/domain/
    merged (intents, entities, slots, forms, responses)."""
    merged: dict[str, Any] = {}
    for path in sorted((ROOT / "engine" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in part.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


def make_form_tracker(
    *,
    form: str,
    requested: str,
    text: str,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender_id: str = "telegram:424242",
) -> Tracker:
    """A tracker as a form's validation action gets it: the resident's message, then the slot
    candidates the engine's mappings took from it (by default the text for `requested`)."""
    candidates = {requested: text} if candidates is None else candidates
    tracker = make_tracker(
        sender_id=sender_id,
        slots={**(slots or {}), "requested_slot": requested, **candidates},
        text=text,
        intent=intent,
        entities=entities,
        active_loop=form,
    )
    tracker.events = [
        {"event": "user", "text": text, "parse_data": tracker.latest_message},
        *({"event": "slot", "name": k, "value": v} for k, v in candidates.items()),
    ]
    return tracker
