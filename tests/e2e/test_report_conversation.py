"""Reporting a problem through the real engine and action server, then hearing back."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from bot.cli import main as cli
from bot.commands.engine import terminal_inbox
from bot.config import Settings
from bot.engine.processes import StackConfig
from tests.helpers.rest_chat import new_resident, say
from tests.helpers.terminal import run_terminal_chat

pytestmark = pytest.mark.engine


def test_report_with_correction_is_filed_checked_and_notified(
    http: httpx.Client,
    e2e_database_url: str,
    engine_stack: StackConfig,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    who = new_resident()
    # Category and description come from the first message: the form asks for the place next.
    first = say(http, who, "楼道里有人拉电线给电瓶车充电，太危险了")
    assert "哪里" in first
    assert "电话" in say(http, who, "和顺社区3栋2单元楼道")
    answer = http.post("/webhooks/rest/webhook", json={"sender": who, "message": "13812345678"})
    summary = "\n".join(str(m.get("text") or "") for m in answer.json())
    assert "飞线充电" in summary and "138****5678" in summary and "13812345678" not in summary
    # The buttons' entity JSON survives Rasa's slot filler (its braces are doubled in the domain).
    payloads = {b["title"]: b["payload"] for m in answer.json() for b in m.get("buttons") or []}
    assert payloads["改地点"] == '/correct_report{"report_field": "report_location"}'

    # Correct the place with a shared location, then confirm.
    assert "哪里" in say(http, who, payloads["改地点"])
    again = say(http, who, "/share_location" + json.dumps({"latitude": 31.08, "longitude": 118.32}))
    assert "已发送的定位" in again and "138****5678" in again
    filed = say(http, who, "/affirm")
    number = re.search(r"GD\d{6}", filed)
    assert number, filed
    assert "前" in filed  # the 1341 deadline is stated

    status = say(http, who, f"查一下{number.group(0)}的进度")
    assert "已受理" in status
    # Someone else cannot see it.
    assert "没有找到" in say(http, new_resident(), f"查一下{number.group(0)}")

    # Staff dispatch it; the resident's terminal shows the notification on the next turn.
    monkeypatch.setenv("DATABASE_URL", e2e_database_url)
    assert cli(["tickets", "status", number.group(0), "dispatched", "--note", "网格员已出发"]) == 0
    capsys.readouterr()
    inbox = terminal_inbox(Settings(DATABASE_URL=e2e_database_url))
    code, printed = run_terminal_chat(engine_stack, ["谢谢"], sender_id=who, inbox=inbox)
    assert code == 0
    notice = next(line for line in printed if line.startswith("小助手（通知）"))
    assert number.group(0) in notice and "已派单" in notice


def test_report_can_be_cancelled_midway(http: httpx.Client) -> None:
    who = new_resident()
    assert "哪一类" in say(http, who, "我要投诉")
    assert "先不登记" in say(http, who, "/stop_report")
    # The form is gone: a greeting is answered as a greeting again.
    assert "家门口" in say(http, who, "你好")


def test_typed_cancel_word_ends_the_report(http: httpx.Client) -> None:
    who = new_resident()
    say(http, who, "我要反映个问题")
    assert "先不登记" in say(http, who, "算了，取消")
