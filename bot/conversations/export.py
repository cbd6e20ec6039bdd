"""A recorded conversation as a Rasa test story, so that a good or a bad conversation becomes a
regression test (`rasa test core --stories FILE`). Personal data stays masked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import yaml

from bot.conversations.record import mask_value
from bot.conversations.store import StoredEvent
from bot.privacy import mask_personal_text

_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)
# Engine bookkeeping a story does not state.
_SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_extract_slots"})


def _literal(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal)


def story_steps(events: Iterable[StoredEvent]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    started = False
    for event in events:
        data, kind = event.data, event.type_name
        if kind == "user":
            started = True
            steps.append(_user_step(data))
        elif not started:
            continue
        elif kind == "action":
            name = str(data.get("name") or "")
            if name and name not in _SKIPPED_ACTIONS:
                steps.append({"action": name})
        elif kind == "slot":
            name = str(data.get("name") or "")
            steps.append({"slot_was_set": [{name: mask_value(name, data.get("value"))}]})
        elif kind == "active_loop":
            steps.append({"active_loop": data.get("name")})
    return steps


def _user_step(data: dict[str, Any]) -> dict[str, Any]:
    text = str(data.get("text") or "")
    parse = data.get("parse_data") or {}
    intent = str((parse.get("intent") or {}).get("name") or "")
    payload = _PAYLOAD.match(text.strip())
    if payload:
        # A button or shared location: the story states the intent and entities it carried.
        step: dict[str, Any] = {"intent": payload.group(1)}
        try:
            values = json.loads(payload.group(2)) if payload.group(2) else {}
        except ValueError:
            values = {}
        if isinstance(values, dict) and values:
            step["entities"] = [{k: mask_value(k, v)} for k, v in values.items()]
        return step
    return {"user": _annotated(text, parse.get("entities") or []), "intent": intent}


def _annotated(text: str, entities: list[Any]) -> str:
    """Rasa's inline `[text](entity)` annotations, over the masked text where nothing personal
    was recognised as an entity."""
    spans = sorted(
        (e for e in entities if isinstance(e, dict) and _span_ok(e, text)),
        key=lambda e: int(e["start"]),
    )
    out: list[str] = []
    cursor = 0
    for entity in spans:
        start, end = int(entity["start"]), int(entity["end"])
        if start < cursor:
            continue  # overlapping extractors: keep the first
        out.append(mask_personal_text(text[cursor:start]))
        surface = mask_personal_text(text[start:end])
        name = str(entity["entity"])
        value = entity.get("value")
        if isinstance(value, str) and value != text[start:end]:
            spec = json.dumps(
                {"entity": name, "value": mask_value(name, value)}, ensure_ascii=False
            )
            out.append(f"[{surface}]{spec}")
        else:
            out.append(f"[{surface}]({name})")
        cursor = end
    out.append(mask_personal_text(text[cursor:]))
    return "".join(out)


def _span_ok(entity: dict[str, Any], text: str) -> bool:
    try:
        start, end = int(entity["start"]), int(entity["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= start < end <= len(text) and bool(entity.get("entity"))


def rasa_test_story(conversation_id: str, events: Iterable[StoredEvent]) -> str:
    document = {
        "version": "3.1",
        "stories": [
            {"story": f"recorded conversation {conversation_id}", "steps": story_steps(events)}
        ],
    }
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
