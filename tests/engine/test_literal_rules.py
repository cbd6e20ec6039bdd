"""The engine's literal-input rules: bare numbers and stray characters get an intent by rule."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "engine" / "components" / "literal_rules.py"


def literal_intent() -> Callable[[str, str], str | None]:
    # The module lives in the engine project (imported there as components.literal_rules).
    spec = importlib.util.spec_from_file_location("literal_rules", RULES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.literal_intent  # type: ignore[no-any-return]


@pytest.mark.parametrize("text", ["1", " 3 ", "２", "2.", "4、", "12", "#5", "9号"])
def test_bare_numbers_are_choose_number(text: str) -> None:
    assert literal_intent()(text, "choose_number") == "choose_number"


@pytest.mark.parametrize(
    "text",
    [
        "--",
        "...,,,!!",
        "。。。？",
        "'; DROP TABLE tickets; --",
        "1' OR '1'='1",
        "SELECT * FROM users",
        "<script>alert(1)</script>",
        "<b>hello</b>",
        "<!-- x -->",
    ],
)
def test_stray_characters_fall_back_to_the_general_help(text: str) -> None:
    assert literal_intent()(text, "choose_number") == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    ["你好", "GD000123", "13812345678", "ok", "wifi在哪", "👍", "查一下GD000123 --", "12345"],
)
def test_everything_else_is_left_to_the_model(text: str) -> None:
    assert literal_intent()(text, "choose_number") is None
