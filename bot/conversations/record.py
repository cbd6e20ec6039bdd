"""A conversation as staff read it, built from the engine's events: one turn per resident
message, with what the engine understood and everything it did until the next message."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.conversations.store import StoredEvent
from bot.privacy import mask_personal_text, mask_phone

FALLBACK_INTENT = "nlu_fallback"
RANKING_SIZE = 3
# Slots whose values are personal data beyond what free-text masking finds.
_PHONE_SLOTS = frozenset({"report_phone", "phone"})
# A shared point locates a home as precisely as an address: coarsened to about a kilometre.
_COORDINATE_SLOTS = frozenset({"report_lat", "report_lon", "latitude", "longitude"})
_LOCATION_PAYLOAD = re.compile(r"^/share_location(\{.*\})$", re.DOTALL)


@dataclass
class Turn:
    at: datetime
    user: str
    intent: str | None
    confidence: float | None
    ranking: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    bot: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    form: str | None = None  # the form active after this turn
    paused: bool = False  # a person held the conversation: the assistant stayed silent
    staff: list[dict[str, str]] = field(default_factory=list)  # replies a person sent

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "intent": self.intent,
            "confidence": self.confidence,
            "ranking": self.ranking,
            "entities": self.entities,
            "bot": self.bot,
            "buttons": self.buttons,
            "actions": self.actions,
            "slots": self.slots,
            "form": self.form,
            "paused": self.paused,
            "staff": self.staff,
        }


def moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def mask_text(text: str) -> str:
    """A resident's text for a listing: a shared point is coarsened to about a kilometre."""
    match = _LOCATION_PAYLOAD.match(text)
    if match:
        try:
            point = json.loads(match.group(1))
            return f"[位置 约{float(point['latitude']):.2f},{float(point['longitude']):.2f}]"
        except (ValueError, KeyError, TypeError):
            return "[位置]"
    return mask_personal_text(text)


def mask_value(name: str, value: Any) -> Any:
    if name in _COORDINATE_SLOTS and isinstance(value, int | float):
        return round(float(value), 2)
    if value is None or isinstance(value, bool | int | float):
        return value
    if name in _PHONE_SLOTS:
        return mask_phone(str(value))
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(name, v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    return mask_personal_text(str(value))


def build_turns(events: Iterable[StoredEvent], *, masked: bool = True) -> list[Turn]:
    """Turns in order; events before the first resident message (session start) are skipped."""
    turns: list[Turn] = []
    paused = False
    form: str | None = None
    for event in events:
        data, kind = event.data, event.type_name
        if kind == "pause":
            paused = True
        elif kind == "resume":
            paused = False
        elif kind in ("restart", "session_started"):
            paused, form = False, None
        if kind == "user":
            turns.append(_user_turn(event, masked=masked, paused=paused, form=form))
            continue
        if not turns:
            continue
        turn = turns[-1]
        if kind == "bot":
            _add_bot(turn, data, masked=masked)
        elif kind == "action":
            name = str(data.get("name") or "")
            if name and name != "action_listen":
                turn.actions.append(name)
        elif kind == "slot":
            name = str(data.get("name") or "")
            value = data.get("value")
            turn.slots[name] = mask_value(name, value) if masked else value
        elif kind == "active_loop":
            form = data.get("name") or None
            turn.form = form
        elif kind == "pause":
            turn.paused = True
    return turns


def _user_turn(event: StoredEvent, *, masked: bool, paused: bool, form: str | None) -> Turn:
    data = event.data
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    text = str(data.get("text") or "")
    ranking = [
        {"name": r.get("name"), "confidence": _number(r.get("confidence"))}
        for r in (parse.get("intent_ranking") or [])[:RANKING_SIZE]
        if isinstance(r, dict)
    ]
    entities = []
    for raw in parse.get("entities") or []:
        if not isinstance(raw, dict):
            continue
        name = str(raw.get("entity") or "")
        value = raw.get("value")
        entities.append(
            {
                "entity": name,
                "value": mask_value(name, value) if masked else value,
                "start": raw.get("start"),
                "end": raw.get("end"),
                "extractor": raw.get("extractor"),
            }
        )
    return Turn(
        at=moment(event.timestamp),
        user=mask_text(text) if masked else text,
        intent=intent.get("name"),
        confidence=_number(intent.get("confidence")),
        ranking=ranking,
        entities=entities,
        paused=paused,
        form=form,
    )


def _add_bot(turn: Turn, data: dict[str, Any], *, masked: bool) -> None:
    text = str(data.get("text") or "")
    meta = data.get("metadata") or {}
    if isinstance(meta, dict) and meta.get("staff"):
        # A person's reply, recorded in the conversation by the handoff desk.
        turn.staff.append({"by": str(meta["staff"]), "text": mask_text(text) if masked else text})
        return
    if text:
        turn.bot.append(mask_personal_text(text) if masked else text)
    for button in (data.get("data") or {}).get("buttons") or []:
        if isinstance(button, dict):
            turn.buttons.append(
                {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
            )


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None
