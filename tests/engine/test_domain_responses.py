"""Every reply a resident reads in a conversation is a Rasa response in engine/domain/: none is
used without being defined, none is defined without being used, and each renders with the
variables its callers pass."""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine import validation
from tests.helpers.trackers import engine_domain

ROOT = Path(__file__).resolve().parents[2]


@cache
def action_sources() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "actions").glob("*.py"))
    }


def uttered_by_actions() -> set[str]:
    return validation.uttered_by_actions(ROOT / "actions")


def keyword_variables() -> set[str]:
    """Names the actions pass to `utter_message(...)` as response variables."""
    names: set[str] = set()
    for tree in action_sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                names.update(k.arg for k in node.keywords if k.arg)
            if isinstance(node, ast.FunctionDef) and node.name == "utter_error":
                names.update(a.arg for a in node.args.kwonlyargs)
    return names


def used_in_dialogue() -> set[str]:
    """Responses the rules and stories run, and the forms' questions (utter_ask_<slot>)."""
    names: set[str] = set()
    for path in (ROOT / "engine" / "data").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in [*(data.get("rules") or []), *(data.get("stories") or [])]:
            for step in block.get("steps") or []:
                action = step.get("action") if isinstance(step, dict) else None
                if isinstance(action, str) and action.startswith("utter_"):
                    names.add(action)
    return names | validation.asked_by_forms(ROOT / "engine" / "domain")


def responses() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = engine_domain()["responses"]
    return found


def test_every_response_an_action_says_is_defined() -> None:
    missing = sorted(uttered_by_actions() - set(responses()))
    assert not missing, f"used by actions but not in engine/domain/: {missing}"


def test_every_response_in_a_rule_or_story_is_defined() -> None:
    missing = sorted(used_in_dialogue() - set(responses()))
    assert not missing, f"used in engine/data/ but not in engine/domain/: {missing}"


def test_every_defined_response_is_used() -> None:
    unused = sorted(set(responses()) - uttered_by_actions() - used_in_dialogue())
    assert not unused, f"defined in engine/domain/ but never said: {unused}"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("name", sorted(responses()))
def test_each_response_renders_with_the_variables_it_is_given(name: str) -> None:
    known = set(engine_domain().get("slots") or {}) | keyword_variables()
    for variant in responses()[name]:
        texts = [variant.get("text") or ""] + [b["payload"] for b in variant.get("buttons") or []]
        for template in texts:
            unknown = placeholders(template) - known
            assert not unknown, f"{name}: {{{', '.join(sorted(unknown))}}} is never filled"
            # Raises on a stray brace (button JSON must double them: Rasa fills payloads too).
            template.format_map({key: "样例" for key in placeholders(template)})
        assert (variant.get("text") or "").strip(), f"{name} has an empty text"
