"""Booking through the real engine and action server: three resident turns to a booking
number, then "我的预约" lists it and "取消最近那个" cancels it; another resident can do neither."""

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
    # Turn 2: the place; real free slots come back as at most five buttons.
    offered = reply(http, who, "和顺社区")
    slots = buttons_of(offered)
    assert 1 <= len(slots) <= 5, text_of(offered)
    assert all(b["payload"].startswith("/book_slot") for b in slots)
    assert "法律援助" in text_of(offered)
    chosen = json.loads(slots[0]["payload"].removeprefix("/book_slot"))
    # Turn 3: a tap books it.
    confirmed = text_of(reply(http, who, slots[0]["payload"]))
    assert "预约成功" in confirmed, confirmed
    number = re.search(r"YY\d{6}", confirmed)
    assert number is not None
    assert slots[0]["title"].split("）")[0] in confirmed  # the day with its weekday
    assert "请带好" in confirmed and "地点" in confirmed

    listed = say(http, who, "我的预约")
    assert number.group(0) in listed

    # Someone else neither sees nor cancels it.
    stranger = new_resident()
    assert number.group(0) not in say(http, stranger, "我的预约")
    assert "没有找到您名下的预约" in say(http, stranger, f"取消预约{number.group(0)}")

    cancelled = say(http, who, "把最近那个预约取消了")
    assert f"已取消预约 {number.group(0)}" in cancelled, cancelled
    assert "没有待办的预约" in say(http, who, "我的预约")
    assert chosen["service"] == "法律援助"
