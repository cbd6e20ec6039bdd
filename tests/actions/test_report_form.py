"""The report form's actions called as the engine calls them (rasa-sdk style): corrections,
typed places, short replies and what the first message already said."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.report_form import ActionStartReport, ValidateReportForm
from bot.db.sites import Place
from tests.helpers.trackers import engine_domain, make_form_tracker, make_tracker

FILLED = {
    "problem_type": "飞线充电",
    "report_description": "楼道里有人拉电线给电瓶车充电",
    "report_location": "和顺社区3栋2单元楼道",
    "report_location_display": "和顺社区3栋2单元楼道",
}


def run(action: Action, tracker: Any) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, engine_domain()))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, [str(m.get("response")) for m in dispatcher.messages]


@pytest.fixture
def known_place(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        session.add(Place(name="和顺社区", kind="community", lat=31.08, lon=118.32))


def asking(slot: str, text: str, intent: str = "inform", **slots: Any) -> Any:
    return make_form_tracker(
        form="report_form",
        requested=slot,
        text=text,
        intent=intent,
        slots={**FILLED, **slots},
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("地址错了，是3单元", "inform"),
        ("不对，地点是3单元", "deny"),
        ("位置不对，应该是3单元", "inform"),
    ],
)
def test_an_address_correction_asked_for_the_phone_changes_the_address_only(
    factory: sessionmaker[Session], known_place: None, text: str, intent: str
) -> None:
    slots, said = run(ValidateReportForm(), asking("report_phone", text, intent))
    assert slots["report_location"] == "和顺社区3栋3单元楼道"
    assert slots["report_phone"] is None  # the correction was not a phone number
    assert "problem_type" not in slots and "report_description" not in slots
    assert slots["report_lat"] == pytest.approx(31.08)
    assert said == ["utter_report_corrected"]


@pytest.mark.parametrize("text", ["不是飞线，是乱停车", "不对，是乱停车", "类别错了，是乱停车"])
def test_a_category_correction_keeps_description_and_place(
    factory: sessionmaker[Session], text: str
) -> None:
    slots, _ = run(ValidateReportForm(), asking("report_phone", text))
    assert slots["problem_type"] == "违规停车"
    assert "report_location" not in slots and "report_description" not in slots


def test_a_described_correction_changes_category_and_description(
    factory: sessionmaker[Session],
) -> None:
    slots, _ = run(ValidateReportForm(), asking("report_confirmed", "不对，是窨井盖被人撬走了"))
    assert slots["problem_type"] == "井盖缺失"
    assert slots["report_description"] == "窨井盖被人撬走了"
    assert slots["report_confirmed"] is None  # the summary is shown again


def test_a_bare_not_right_asks_which_field(factory: sessionmaker[Session]) -> None:
    slots, said = run(ValidateReportForm(), asking("report_confirmed", "不对", "deny"))
    assert said == ["utter_ask_which_field"]
    assert slots["report_confirmed"] is None


@pytest.mark.parametrize("text", ["好的", "对", "确认", "3", "嗯嗯", "12"])
def test_short_replies_are_not_a_phone_number(factory: sessionmaker[Session], text: str) -> None:
    slots, said = run(ValidateReportForm(), asking("report_phone", text))
    assert slots["report_phone"] is None
    assert said == ["utter_invalid_phone"]


@pytest.mark.parametrize("text", ["好的", "对", "不用", "3", "？？"])
def test_short_replies_are_not_a_place(factory: sessionmaker[Session], text: str) -> None:
    slots, said = run(ValidateReportForm(), asking("report_location", text, report_location=None))
    assert slots["report_location"] is None
    assert said == ["utter_location_too_short"]


@pytest.mark.parametrize(
    ("text", "stored"),
    [("13812345678", "+8613812345678"), ("0553-6123456", "+865536123456")],
)
def test_mobiles_and_landlines_with_area_code_are_phone_numbers(
    factory: sessionmaker[Session], text: str, stored: str
) -> None:
    slots, said = run(ValidateReportForm(), asking("report_phone", text))
    assert slots["report_phone"] == stored
    assert said == []


@pytest.mark.parametrize("text", ["不留", "不用了", "不方便"])
def test_declining_the_phone_is_not_cancelling_the_report(
    factory: sessionmaker[Session], text: str
) -> None:
    slots, _ = run(ValidateReportForm(), asking("report_phone", text))
    assert slots["report_phone"] == "none"


def test_a_typed_known_place_gets_an_approximate_point(
    factory: sessionmaker[Session], known_place: None
) -> None:
    slots, said = run(
        ValidateReportForm(), asking("report_location", "在和顺社区5号楼后面", report_location=None)
    )
    assert slots["report_location"] == "和顺社区5号楼后面"
    assert slots["report_point_approximate"] is True
    assert "大致定位" in slots["report_location_display"]
    assert said == []


def test_an_unknown_typed_place_is_kept_as_an_address(factory: sessionmaker[Session]) -> None:
    slots, said = run(
        ValidateReportForm(), asking("report_location", "东风巷12号院门口", report_location=None)
    )
    assert slots["report_location"] == "东风巷12号院门口"
    assert slots["report_lat"] is None
    assert said == []  # accepted, not asked again


def test_a_described_first_message_asks_for_neither_category_nor_description(
    factory: sessionmaker[Session],
) -> None:
    tracker = make_tracker(text="楼下健身器材的单杠断了好几天了", intent="report_problem")
    slots, _ = run(ActionStartReport(), tracker)
    assert slots["report_description"] == "楼下健身器材的单杠断了好几天了"
    assert slots["problem_type"] == "设施损坏"


def test_an_undescribed_opener_leaves_the_questions_to_the_form(
    factory: sessionmaker[Session],
) -> None:
    slots, _ = run(ActionStartReport(), make_tracker(text="我要反映", intent="report_problem"))
    assert slots["report_description"] is None and slots["problem_type"] is None


@pytest.mark.parametrize("payload", ["/report_problem", '/report_problem{"problem_type": "噪音"}'])
def test_a_menu_button_describes_nothing(factory: sessionmaker[Session], payload: str) -> None:
    slots, _ = run(ActionStartReport(), make_tracker(text=payload, intent="report_problem"))
    assert slots["report_description"] is None


@pytest.mark.parametrize("slot", ["report_description", "report_location", "report_phone"])
@pytest.mark.parametrize("text", ["算了，不报了", "取消"])
def test_cancelling_at_any_question_ends_the_report(
    factory: sessionmaker[Session], slot: str, text: str
) -> None:
    slots, _ = run(ValidateReportForm(), asking(slot, text))
    assert slots["report_confirmed"] == "no"
