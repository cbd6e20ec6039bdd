"""Residents who talk naturally during a report, through the real engine and action server:
corrections, typed places, what the first message said, short replies, numbers, stray input
and where the ticket went. Several wordings each, none of them the issue's own sentences."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.db.tickets import Ticket
from bot.tickets.numbers import parse_number
from tests.helpers.rest_chat import new_resident, say

pytestmark = pytest.mark.engine

PHONE_QUESTION = "电话"
PLACE_QUESTION = "哪里"


def ticket(database_url: str, number: str) -> Ticket:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            found = session.scalars(select(Ticket).where(Ticket.id == parse_number(number))).one()
            session.expunge_all()
            return found
    finally:
        engine.dispose()


def file_and_number(http: httpx.Client, who: str) -> str:
    filed = say(http, who, "/affirm")
    number = re.search(r"GD\d{6}", filed)
    assert number, filed
    return number.group(0)


def up_to_the_phone_question(http: httpx.Client, who: str, problem: str, place: str) -> None:
    assert PLACE_QUESTION in say(http, who, problem)
    assert PHONE_QUESTION in say(http, who, place)


@pytest.mark.parametrize(
    "correction", ["地址说错了，是2单元", "不对，地点应该是2单元", "位置写错了，改成2单元"]
)
def test_a_place_correction_at_the_phone_question_changes_only_the_place(
    http: httpx.Client, correction: str
) -> None:
    who = new_resident()
    up_to_the_phone_question(http, who, "楼道里有人私拉电线给电动车充电", "城西社区6栋1单元楼道")
    answer = say(http, who, correction)
    assert "已改为" in answer and "城西社区6栋2单元楼道" in answer
    assert PHONE_QUESTION in answer  # the question asked before is asked again
    summary = say(http, who, "13812345678")
    assert "城西社区6栋2单元楼道" in summary and "飞线充电" in summary
    assert "138****5678" in summary


@pytest.mark.parametrize(
    ("correction", "category"),
    [
        ("不是拉电线，是堵消防通道", "消防通道占用"),
        ("类别错了，应该是乱停车", "违规停车"),
        ("不对，是楼上往下扔东西", "高空抛物"),
    ],
)
def test_a_category_correction_keeps_the_place(
    http: httpx.Client, correction: str, category: str
) -> None:
    who = new_resident()
    up_to_the_phone_question(http, who, "楼道里有人私拉电线给电动车充电", "秀山社区2栋楼下")
    say(http, who, correction)
    summary = say(http, who, "不留")
    assert f"类别：{category}" in summary and "秀山社区2栋楼下" in summary


@pytest.mark.parametrize(
    ("correction", "category"),
    [("不对，是井盖被人偷走了", "井盖缺失"), ("说错了，其实是电梯坏了关着人", "电梯故障")],
)
def test_a_correction_at_the_summary_is_shown_in_a_new_summary(
    http: httpx.Client, correction: str, category: str
) -> None:
    who = new_resident()
    up_to_the_phone_question(http, who, "小区里的路灯坏了好几天了，晚上很黑", "城南社区5栋门口")
    assert "确认" in say(http, who, "不留")
    again = say(http, who, correction)
    assert f"类别：{category}" in again and "城南社区5栋门口" in again and "确认" in again


@pytest.mark.parametrize(
    ("place", "marked"),
    [
        ("在新城镇和顺社区3号楼后面", "大致定位"),
        ("秀山社区8栋2单元", "大致定位"),
        ("东风巷12号院门口", "核实"),
        ("老粮站后面那排平房", "核实"),
    ],
)
def test_a_typed_place_is_taken_once_known_or_not(
    http: httpx.Client, e2e_database_url: str, place: str, marked: str
) -> None:
    who = new_resident()
    assert PLACE_QUESTION in say(http, who, "垃圾桶满了好几天都没人来清")
    answer = say(http, who, place)
    assert PHONE_QUESTION in answer and PLACE_QUESTION not in answer  # not asked again
    summary = say(http, who, "不用了")
    assert marked in summary
    filed = ticket(e2e_database_url, file_and_number(http, who))
    assert filed.address and filed.address in place
    assert (filed.lat is not None) is (marked == "大致定位")


@pytest.mark.parametrize(
    "opening",
    ["小区儿童乐园的秋千坏了好久了", "我家楼下的井盖松了，走上去咣当响", "电梯老是坏，今天又停了"],
)
def test_a_described_first_message_is_asked_only_for_the_place(
    http: httpx.Client, opening: str
) -> None:
    who = new_resident()
    first = say(http, who, opening)
    # The place next, unless the message named one too (then the phone).
    assert PLACE_QUESTION in first or PHONE_QUESTION in first
    assert "描述" not in first and "哪一类" not in first


@pytest.mark.parametrize("short", ["好的", "对", "嗯嗯", "3", "确认"])
def test_short_replies_are_neither_phone_nor_place(http: httpx.Client, short: str) -> None:
    who = new_resident()
    assert PLACE_QUESTION in say(http, who, "楼道灯不亮快一个礼拜了")
    assert "具体在哪里" in say(http, who, short)
    assert PHONE_QUESTION in say(http, who, "城北社区9栋楼道")
    assert "号码好像不对" in say(http, who, short)
    summary = say(http, who, "0553-6123456")
    assert "联系电话：0553-***3456" in summary


@pytest.mark.parametrize("number", ["2", "5", "１"])
def test_a_bare_number_with_nothing_offered_is_asked_about(http: httpx.Client, number: str) -> None:
    answer = say(http, new_resident(), number)
    assert "是指什么" in answer
    assert "再见" not in answer


@pytest.mark.parametrize(
    "stray", ["--", "'; DROP TABLE tickets; --", "<img src=x onerror=alert(1)>", "？？？！！！"]
)
def test_stray_input_gets_the_general_help(http: httpx.Client, stray: str) -> None:
    answer = say(http, new_resident(), stray)
    assert "没太听明白" in answer
    assert "工单" not in answer.split("比如")[0] and "不是真人" not in answer


def gridded_site(database_url: str) -> Site:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            found = session.scalars(select(Site).where(Site.grid.is_not(None)).limit(1)).one()
            session.expunge_all()
            return found
    finally:
        engine.dispose()


def test_the_receipt_says_where_the_ticket_went(http: httpx.Client, e2e_database_url: str) -> None:
    site = gridded_site(e2e_database_url)
    who = new_resident()
    assert PLACE_QUESTION in say(http, who, "楼下有人占道摆摊，车都过不去")
    point = json.dumps({"latitude": site.lat, "longitude": site.lon})
    say(http, who, "/share_location" + point)
    say(http, who, "不留")
    filed = say(http, who, "/affirm")
    number = re.search(r"GD\d{6}", filed)
    assert number, filed
    stored = ticket(e2e_database_url, number.group(0))
    assert stored.community or stored.grid, "the sample point is inside a grid"
    assert "已转给" in filed
    for part in (stored.community, stored.grid):
        if part:
            assert part in filed
