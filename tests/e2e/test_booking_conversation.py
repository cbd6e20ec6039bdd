"""Booking through the real engine and action server: four resident turns to a booking number
(the phone question is answered "不用"), a change of time in one step, "我的预约" lists it and
"取消最近那个" cancels it, while another resident can do neither; and the monthly fair: when the
next one is, and signing up for two people."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.helpers.rest_chat import new_resident, reply, say

pytestmark = pytest.mark.engine


def text_of(answer: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in answer)


def buttons_of(answer: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [b for m in answer for b in m.get("buttons") or []]


def test_book_list_and_cancel(http: httpx.Client) -> None:
    who = new_resident()
    # Turn 1: service and time are in the first message; only the place is asked.
    first = text_of(reply(http, who, "我想约明天下午的法律咨询"))
    assert "哪里" in first and "什么服务" not in first
    # Turn 2: the place; legal aid counts bookings, not people, so the optional phone is next.
    asked = text_of(reply(http, who, "和顺社区"))
    assert "电话" in asked and "几位" not in asked, asked
    # Turn 3: no phone; real free slots come back as at most five buttons.
    offered = reply(http, who, "不用")
    slots = buttons_of(offered)
    assert 1 <= len(slots) <= 5, text_of(offered)
    assert all(b["payload"].startswith("/book_slot") for b in slots)
    assert "法律援助" in text_of(offered)
    chosen = json.loads(slots[0]["payload"].removeprefix("/book_slot"))
    # Turn 4: a tap books it.
    confirmed = text_of(reply(http, who, slots[0]["payload"]))
    assert "预约成功" in confirmed, confirmed
    number = re.search(r"YY\d{6}", confirmed)
    assert number is not None
    assert slots[0]["title"].split("）")[0] in confirmed  # the day with its weekday
    assert "请带好" in confirmed and "地点" in confirmed

    # A change of time in one step: the old booking is cancelled, a new number booked.
    changed = say(http, who, "把明天那个改到后天下午")
    assert "改好了" in changed and number.group(0) in changed, changed
    old_number = number.group(0)
    number = re.search(r"(?<=新的预约号 )YY\d{6}", changed)
    assert number is not None and number.group(0) != old_number, changed

    listed = say(http, who, "我的预约")
    assert number.group(0) in listed and old_number not in listed

    # Someone else neither sees nor cancels it.
    stranger = new_resident()
    assert number.group(0) not in say(http, stranger, "我的预约")
    assert "没有找到您名下的预约" in say(http, stranger, f"取消预约{number.group(0)}")
    assert "没有找到您名下的预约" in say(http, stranger, f"把{number.group(0)}改到后天上午")

    cancelled = say(http, who, "把最近那个预约取消了")
    assert f"已取消预约 {number.group(0)}" in cancelled, cancelled
    assert "没有待办的预约" in say(http, who, "我的预约")
    assert chosen["service"] == "法律援助"


def test_the_monthly_fair(http: httpx.Client) -> None:
    who = new_resident()
    answer = reply(http, who, "下个月的便民大集是哪天")
    told = text_of(answer)
    assert "党群便民服务大集" in told and "周六" in told, told
    assert re.search(r"\d+月\d+日（周六）09:00-11:30", told), told
    [sign_up] = [b for b in buttons_of(answer) if "大集" in b["payload"]]
    assert json.loads(sign_up["payload"].removeprefix("/book_service")) == {
        "service": "便民服务大集"
    }
    fair_day = re.search(r"(\d+月\d+日（周六）)", told)
    assert fair_day is not None

    # Signing up: the first message says how many, so only the place and the phone are asked.
    asked = text_of(reply(http, who, "我们两个人报名下个月的大集"))
    assert "哪里" in asked and "几位" not in asked, asked
    assert "电话" in text_of(reply(http, who, "和顺社区"))
    offered = reply(http, who, "不用")
    [session] = buttons_of(offered)
    assert session["title"].startswith(fair_day.group(1)), text_of(offered)
    confirmed = text_of(reply(http, who, session["payload"]))
    assert "预约成功" in confirmed and "（2人）" in confirmed and "和顺社区" in confirmed, confirmed
