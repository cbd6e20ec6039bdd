"""The conversation record through the real engine: it survives a restart mid-form, staff read
it (masked) from the command line, and it exports as a Rasa test story."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
import yaml

from bot.cli import main as cli
from bot.config import Settings
from bot.conversations.ids import conversation_id
from bot.engine.processes import EngineStack
from tests.conftest import E2E_TOKEN

pytestmark = pytest.mark.engine

PHONE = "13912345678"


def say(engine_url: str, who: str, text: str) -> str:
    # A new connection each time: the engine may have been restarted in between.
    bearer = {"Authorization": f"Bearer {E2E_TOKEN}"}  # the REST channel needs the token
    with httpx.Client(base_url=engine_url, timeout=60, headers=bearer) as http:
        response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200
    return "\n".join(str(m.get("text") or "") for m in response.json())


def use_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("RASA_URL", settings.engine_url)
    monkeypatch.setenv("RASA_TOKEN", settings.engine_token)
    monkeypatch.setenv("JIAMENKOU_CONVERSATION_ID_SECRET", settings.conversation_id_secret)


def report_across_a_restart(stack: EngineStack) -> str:
    """Start a report, kill and restart the engine, finish the report; returns the sender."""
    url = stack.config.engine_url
    who = f"terminal:{uuid.uuid4().hex[:12]}"
    assert "哪里" in say(url, who, "楼道里有人拉电线给电瓶车充电，太危险了")
    stack.restart_engine()
    # The form carries on where it stopped: the place is taken as the place, then the phone.
    assert "电话" in say(url, who, "和顺社区3栋2单元楼道")
    summary = say(url, who, PHONE)
    assert "飞线充电" in summary and "和顺社区" in summary
    return who


def test_a_report_continues_after_the_engine_is_killed_and_restarted(
    e2e_stack: EngineStack,
    e2e_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    who = report_across_a_restart(e2e_stack)
    cid = conversation_id(who, secret=e2e_settings.conversation_id_secret)

    use_settings(monkeypatch, e2e_settings)
    capsys.readouterr()
    assert cli(["conversations", "list", "--channel", "terminal", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    mine = next(c for c in listed if c["id"] == cid)
    assert mine["messages"] == 3 and mine["channel"] == "terminal" and mine["handoff"] is None
    assert mine["min_confidence"] is not None

    assert cli(["conversations", "show", cid, "--json"]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)
    assert shown["id"] == cid and shown["channel"] == "terminal"
    first, second, third = shown["turns"]
    assert first["intent"] == "report_problem" and 0 < first["confidence"] <= 1
    assert len(first["ranking"]) == 3 and first["ranking"][0]["name"] == "report_problem"
    assert "report_form" in first["actions"] and first["form"] == "report_form"
    assert first["slots"].get("problem_type") == "飞线充电"
    assert any("哪里" in text for text in first["bot"])
    assert "和顺社区**" in second["user"]  # the household part is masked
    assert third["user"] == "139****5678"
    assert PHONE not in out and who.partition(":")[2] not in out

    assert cli(["conversations", "export", cid, "--format", "rasa-stories"]) == 0
    story = yaml.safe_load(capsys.readouterr().out)
    steps = story["stories"][0]["steps"]
    assert steps[0]["intent"] == "report_problem"
    assert {"action": "report_form"} in steps and {"active_loop": "report_form"} in steps


def test_listing_filters_and_an_unknown_id(
    e2e_stack: EngineStack,
    e2e_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = e2e_stack.config.engine_url
    who = f"terminal:{uuid.uuid4().hex[:12]}"
    say(url, who, "你好")
    say(url, who, "阿巴阿巴咕噜咕噜")  # nothing the model knows
    cid = conversation_id(who, secret=e2e_settings.conversation_id_secret)
    use_settings(monkeypatch, e2e_settings)
    capsys.readouterr()
    assert cli(["conversations", "show", cid, "--json"]) == 0
    turns = json.loads(capsys.readouterr().out)["turns"]
    assert [t["user"] for t in turns] == ["你好", "阿巴阿巴咕噜咕噜"]
    # The filters agree with what the engine recorded for each message.
    low = any(
        t["intent"] != "nlu_fallback" and (t["confidence"] or 1) < e2e_settings.low_confidence
        for t in turns
    ) or any(
        t["intent"] == "nlu_fallback"
        and t["ranking"][1]["confidence"] < e2e_settings.low_confidence
        for t in turns
        if len(t["ranking"]) > 1
    )
    fell_back = any(t["intent"] == "nlu_fallback" for t in turns)
    assert cli(["conversations", "list", "--low-confidence", "--json"]) == 0
    assert (cid in {c["id"] for c in json.loads(capsys.readouterr().out)}) is low
    assert cli(["conversations", "list", "--fallback", "--json"]) == 0
    assert (cid in {c["id"] for c in json.loads(capsys.readouterr().out)}) is fell_back
    assert cli(["conversations", "list", "--channel", "terminal", "--json"]) == 0
    assert cid in {c["id"] for c in json.loads(capsys.readouterr().out)}
    assert cli(["conversations", "list", "--channel", "wechat", "--json"]) == 0
    assert cid not in {c["id"] for c in json.loads(capsys.readouterr().out)}
    assert cli(["conversations", "show", "c-no-such-thing"]) == 9
    assert "conversations list" in capsys.readouterr().err
