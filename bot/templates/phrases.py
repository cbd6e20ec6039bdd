"""Phrases that fill the Rasa responses' variables: distances, times, opening status, holiday
rules, a ticket's timeline (the whole replies live in engine/domain/)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from bot.db.tickets import TicketStatus
from bot.privacy import mask_phones_in_text
from bot.sites.nearest import NearbySite
from bot.sites.opening import OpeningState
from bot.templates.notifications import STATUS_LABELS, format_time

_WEEKDAYS = "一二三四五六日"


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"约{max(10, round(metres / 10) * 10)}米"
    return f"约{metres / 1000:.1f}公里"


def when_text(moment: dt.datetime, now: dt.datetime) -> str:
    days = (moment.date() - now.date()).days
    clock = moment.strftime("%H:%M")
    if days == 0:
        return f"今天{clock}"
    if days == 1:
        return f"明天{clock}"
    if days == 2:
        return f"后天{clock}"
    return f"{moment.month}月{moment.day}日（周{_WEEKDAYS[moment.weekday()]}）{clock}"


def status_text(state: OpeningState | None, now: dt.datetime) -> str:
    if state is None:
        return "开放时间请电话确认"
    if state.open_now:
        if state.closes_at is None:
            return "正在开放（全天）"
        return f"正在开放，{when_text(state.closes_at, now)}关门"
    if state.opens_at is None:
        return "近期暂停开放"
    return f"现在已关门，{when_text(state.opens_at, now)}开门"


def nearby_status(item: NearbySite) -> OpeningState | None:
    if item.open_now is None:
        return None
    return OpeningState(item.open_now, item.closes_at, item.opens_at)


def map_link(name: str, lat: float, lon: float) -> str:
    # Amap's URI API takes WGS-84 when told so, which is what the registry stores.
    return (
        f"https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}"
        f"&name={quote(name)}&coordinate=wgs84&callnative=1"
    )


def joined(names: list[str] | tuple[str, ...]) -> str:
    return "、".join(names)


_HOLIDAYS = {
    "closed": "法定节假日休息",
    "open": "法定节假日照常开放",
    "weekend": "法定节假日按周末时间开放",
}


def holiday_text(policy: str) -> str:
    return _HOLIDAYS.get(policy, "节假日安排请电话确认")


def timeline(events: Any) -> str:
    """One line per ticket event, oldest first: "10月1日 20:15 已受理（note）"."""
    lines = []
    for event in sorted(events, key=lambda e: e.at):
        label = STATUS_LABELS.get(TicketStatus(event.to_status)) if event.to_status else None
        what = label or _EVENT_KINDS.get(event.kind, event.kind)
        note = f"（{mask_phones_in_text(event.note)}）" if event.note else ""
        lines.append(f"· {format_time(event.at)} {what}{note}")
    return "\n".join(lines) or "· 暂无记录"


_EVENT_KINDS = {
    "created": "已受理",
    "transfer": "转单",
    "severity": "调整紧急程度",
    "rated": "已评价",
}


# --- Values the report summary shows ------------------------------------------------------
SHARED_POINT = "已发送的定位"  # a shared point, which has no address
PHONE_NOT_GIVEN = "不留"
NOT_REGISTERED = "暂无登记"
NO_PHONE = "暂无"
HOURS_NOT_REGISTERED = "暂未登记"
DEFAULT_BRING = "身份证"


FAIR_SIGN_UP = "报名大集"


def change_button(number: str, when: str) -> str:
    """The title of the button that picks booking `number` to change its time."""
    return f"改 {number} {when}"


def cancel_button(number: str, when: str = "") -> str:
    """The title of the button that cancels booking `number` (optionally with its time)."""
    return f"取消 {number} {when}".rstrip()


NEXT_WORKDAY = "下一个工作日"


def place_shown(address: str, approximate_by: str | None) -> str:
    """The place in the summary, saying how it was located."""
    if approximate_by is None:
        return f"{address}（网格员会与您核实具体位置）"
    return f"{address}（按“{approximate_by}”大致定位）"


def question_with_follow_up(question: str, follow_up: str) -> str:
    """What a resident asked, then what they said after asking for a person."""
    return f"{question}（随后：{follow_up}）"
