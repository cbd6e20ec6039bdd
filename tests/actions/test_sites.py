"""The site actions called directly (rasa-sdk's way): natural replies, several services, a site
asked for by name, and hours questions answered with what was asked."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import hours_replies
from actions import sites as site_actions
from bot import china_time
from bot.china_time import ZONE
from bot.db.sites import Site
from bot.sites.hours_questions import HoursAnswer, Reply
from bot.sites.registry import upsert_sites
from tests.helpers.trackers import make_tracker
from tests.sites.factories import NANLING, make_record

WEDNESDAY_19H = dt.datetime(2026, 12, 2, 19, 0, tzinfo=ZONE)
HERE = {"latitude": NANLING[0], "longitude": NANLING[1]}


@pytest.fixture
def registry(factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Three sites around NANLING (names → ids); the actions' clock is Wednesday 19:00."""
    monkeypatch.setattr(china_time, "now", lambda: WEDNESDAY_19H)
    records = [
        make_record(),  # 和顺社区党群服务中心: 代办, 法律援助; closes 21:00 on weekdays
        make_record(key="water", name="籍山路暖新驿站", kind="暖新驿站", lat=NANLING[0] + 0.001,
                    services=("饮水", "手机充电", "卫生间")),
        make_record(key="drink", name="春谷社区第一网格先锋驿站", kind="党群驿站",
                    lat=NANLING[0] + 0.0005, services=("饮水",)),
    ]  # fmt: skip
    with factory.begin() as session:
        upsert_sites(session=session, records=records)
        return dict(session.execute(select(Site.name, Site.id)).tuples().all())


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def said(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m.get("response")) for m in messages if m.get("response")]


def services(*values: str) -> list[dict[str, Any]]:
    return [{"entity": "service", "value": value} for value in values]


def slot(events: list[dict[str, Any]], name: str) -> Any:
    return [e["value"] for e in events if e.get("name") == name][-1]


def test_one_service_reads_as_a_sentence(registry: dict[str, int]) -> None:
    tracker = make_tracker(text="哪里有免费律师", entities=services("免费律师"), slots=HERE)
    _events, messages = run(site_actions.ActionFindStation(), tracker)
    assert said(messages)[0] == "utter_sites_found_for_service"
    assert messages[0]["offering"] == "提供法律援助" and messages[0]["count"] == 1


def test_no_service_has_its_own_reply(registry: dict[str, int]) -> None:
    _events, messages = run(site_actions.ActionFindStation(), make_tracker(text="附近", slots=HERE))
    assert said(messages)[0] == "utter_sites_found" and messages[0]["count"] == 3


def test_asking_for_a_location_keeps_every_service(registry: dict[str, int]) -> None:
    tracker = make_tracker(text="哪里能接水又能充手机", entities=services("接水", "充手机"))
    events, messages = run(site_actions.ActionFindStation(), tracker)
    assert said(messages) == ["utter_ask_location_for_service"]
    assert messages[0]["offering"] == "能喝水、能给手机充电"
    assert slot(events, "services") == ["饮水", "手机充电"]
    # The location arrives in the next message, which names no service.
    shared = make_tracker(text="/share_location", slots={**HERE, "services": ["饮水", "手机充电"]})
    events, messages = run(site_actions.ActionFindStation(), shared)
    assert said(messages)[:2] == ["utter_sites_found_for_service", "utter_site_card"]
    assert messages[0]["offering"] == "能喝水、能给手机充电"
    assert slot(events, "services") is None


def test_sites_offering_all_come_first_then_the_partial_ones_said_as_such(
    registry: dict[str, int],
) -> None:
    tracker = make_tracker(text="能喝水还能上厕所的地方", entities=services("喝水", "上厕所"),
                           slots=HERE)  # fmt: skip
    events, messages = run(site_actions.ActionFindStation(), tracker)
    assert said(messages) == [
        "utter_sites_found_for_service", "utter_site_card", "utter_sites_partial_also",
        "utter_site_card",
    ]  # fmt: skip
    assert messages[0]["count"] == 1
    assert messages[1]["name"] == "籍山路暖新驿站"  # farther, but offers both
    assert messages[3]["name"] == "春谷社区第一网格先锋驿站" and messages[3]["services"] == "饮水"
    assert slot(events, "last_site_id") == str(registry["籍山路暖新驿站"])


def test_when_no_site_offers_all_the_partial_matches_are_introduced_as_such(
    registry: dict[str, int],
) -> None:
    tracker = make_tracker(text="能热饭又能充手机", entities=services("热饭", "充手机"), slots=HERE)
    _events, messages = run(site_actions.ActionFindStation(), tracker)
    assert said(messages) == ["utter_sites_partial_match", "utter_site_card"]
    assert messages[1]["name"] == "籍山路暖新驿站" and messages[1]["services"] == "手机充电"


@pytest.mark.parametrize("text", ["和顺社区党群服务中心在哪里呀", "和顺社区的服务中心怎么走"])
def test_a_site_asked_for_by_name_is_answered_itself(registry: dict[str, int], text: str) -> None:
    tracker = make_tracker(text=text, entities=[{"entity": "community", "value": "和顺社区"}])
    events, messages = run(site_actions.ActionFindStation(), tracker)
    assert said(messages) == ["utter_named_site"]
    card = messages[0]
    assert card["name"] == "和顺社区党群服务中心" and card["phone"] == "0553-6859660"
    assert card["status"] == "正在开放，今天21:00关门" and "周六 09:00-17:00" in card["hours"]
    assert slot(events, "last_site_id") == str(registry["和顺社区党群服务中心"])


@pytest.mark.parametrize(
    ("text", "response", "values"),
    [
        ("它晚上开到几点", "utter_hours_open_until", {"closes_clock": "21:00"}),
        ("礼拜天开门不", "utter_hours_day_closed",
         {"day": "周日（12月6日）", "opens": "周一（12月7日）08:30"}),
        ("星期六几点到几点", "utter_hours_day_open",
         {"day": "周六（12月5日）", "intervals": "09:00-17:00"}),
        ("明早九点开门吗", "utter_hours_open_at", {"day": "明天", "time": "09:00"}),
        ("明早八点开门吗", "utter_hours_closed_at", {"time": "08:00", "intervals": "08:30-12:00、14:00-21:00"}),
        ("十一放假开不开", "utter_hours_holiday_undated",
         {"holiday": "国庆节", "rule": "法定节假日休息"}),
        ("节假日有人吗", "utter_hours_holiday_rule", {"rule": "法定节假日休息"}),
        ("开放时间是多少", "utter_site_hours", {"holiday": "法定节假日休息"}),
    ],
)  # fmt: skip
def test_hours_questions_answer_what_was_asked_about_the_site_in_context(
    registry: dict[str, int], text: str, response: str, values: dict[str, str]
) -> None:
    tracker = make_tracker(text=text, slots={"last_site_id": str(registry["和顺社区党群服务中心"])})
    events, messages = run(site_actions.ActionOpeningHours(), tracker)
    assert said(messages) == [response]
    assert {key: messages[0][key] for key in values} == values
    assert messages[0]["name"] == "和顺社区党群服务中心"
    assert slot(events, "last_site_id") == str(registry["和顺社区党群服务中心"])


def test_a_weekend_question_answers_both_days(registry: dict[str, int]) -> None:
    tracker = make_tracker(text="周末开吗", slots={"last_site_id": str(registry["籍山路暖新驿站"])})
    _events, messages = run(site_actions.ActionOpeningHours(), tracker)
    assert said(messages) == ["utter_hours_day_open", "utter_hours_day_closed"]


def test_an_hours_question_with_no_site_in_context_asks_which(registry: dict[str, int]) -> None:
    _events, messages = run(site_actions.ActionOpeningHours(), make_tracker(text="周日开吗"))
    assert said(messages) == ["utter_ask_which_site"]


@pytest.mark.parametrize(
    ("phrase", "response", "offering"),
    [("律师", "utter_site_has_service", "提供法律援助"),
     ("歇脚", "utter_site_lacks_service", "能歇脚")],
)  # fmt: skip
def test_a_service_question_about_a_site_reads_naturally(
    registry: dict[str, int], phrase: str, response: str, offering: str
) -> None:
    tracker = make_tracker(text=f"那里能{phrase}吗", entities=services(phrase),
                           slots={"last_site_id": str(registry["和顺社区党群服务中心"])})  # fmt: skip
    _events, messages = run(site_actions.ActionSiteServices(), tracker)
    assert said(messages) == [response] and messages[0]["offering"] == offering


@pytest.mark.parametrize(
    "response",
    sorted({*hours_replies.RESPONSES.values(), *hours_replies.ON_HOLIDAY.values(),
            *hours_replies.NAMED_HOLIDAY} - {"utter_site_hours"}),
)  # fmt: skip
def test_every_hours_response_is_filled_by_say_hours_answer(response: str) -> None:
    domain = Path(__file__).resolve().parents[2] / "engine" / "domain" / "sites.yml"
    variants = yaml.safe_load(domain.read_text(encoding="utf-8"))["responses"][response]
    dispatcher = CollectingDispatcher()
    hours_replies.say_hours_answer(dispatcher, HoursAnswer(Reply.WEEKLY), name="某站",
                                   phone="12345", today=WEDNESDAY_19H.date())  # fmt: skip
    for variant in variants:
        variant["text"].format(**dispatcher.messages[0])  # KeyError: a variable nobody fills
