"""A Chinese conversation through the real Rasa engine and the real action server."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot.engine.processes import StackConfig
from tests.helpers.rest_chat import reply as say
from tests.helpers.terminal import run_terminal_chat

pytestmark = pytest.mark.engine


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def latest_intent(http: httpx.Client, engine: StackConfig, who: str) -> str:
    tracker = http.get(f"/conversations/{who}/tracker", params={"token": engine.token}).json()
    return str(tracker["latest_message"]["intent"]["name"])


def test_greeting_station_question_and_goodbye(
    http: httpx.Client, engine_stack: StackConfig
) -> None:
    who = sender()
    greeting = say(http, who, "你好")
    assert "家门口" in str(greeting[0]["text"])
    assert any(b["payload"] == "/find_station" for b in greeting[0]["buttons"])  # type: ignore[attr-defined]

    reply = say(http, who, "最近的党群服务站在哪里")
    assert latest_intent(http, engine_stack, who) == "find_station"
    # The custom action (on the action server) answered: it asks where the resident is.
    assert any("位置" in str(m.get("text")) for m in reply)

    farewell = say(http, who, "好的谢谢，再见")
    assert latest_intent(http, engine_stack, who) in {"goodbye", "thanks"}
    assert farewell and farewell[0]["text"]


def test_a_service_in_the_question_is_recognised(
    http: httpx.Client, engine_stack: StackConfig
) -> None:
    who = sender()
    reply = say(http, who, "哪里能给电瓶车充电")
    assert latest_intent(http, engine_stack, who) == "find_station"
    assert any("电动车充电" in str(m.get("text")) for m in reply)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀😀", "hello 你好 abc 123", "楼道里有人飞线充电" * 1100],
    ids=["empty", "whitespace", "emoji", "mixed-script", "10k-characters"],
)
def test_odd_messages_get_a_reply_not_an_error(http: httpx.Client, text: str) -> None:
    reply = say(http, sender(), text)
    assert any(isinstance(m.get("text"), str) and m["text"] for m in reply)
    assert all(m.get("text") or m.get("custom") for m in reply)


def test_terminal_chat_speaks_with_the_engine_and_maps_numbers_to_buttons(
    engine_stack: StackConfig,
) -> None:
    code, printed = run_terminal_chat(engine_stack, ["你好", "1", "", "再见"])
    assert code == 0
    transcript = "\n".join(printed)
    assert "  1. 找附近的服务站" in transcript  # greeting buttons as numbered choices
    assert "位置" in transcript  # "1" sent /find_station and the action asked for a location
    assert "还没有输入内容" in transcript  # the empty line was answered locally
    assert transcript.rstrip().endswith("再见！")
