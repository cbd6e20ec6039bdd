"""Notifications residents receive outside the Rasa dialogue, through the outbox: ticket
progress, rating requests, and what they are told while a person has their conversation."""

from __future__ import annotations

from datetime import datetime

from bot import china_time
from bot.db.tickets import Severity, Ticket, TicketStatus
from bot.notifications.sender import Button

STATUS_LABELS = {
    TicketStatus.ACCEPTED: "已受理",
    TicketStatus.DISPATCHED: "已派单",
    TicketStatus.IN_PROGRESS: "处理中",
    TicketStatus.CLOSED: "已办结",
    TicketStatus.REJECTED: "已退回",
}
SEVERITY_LABELS = {
    Severity.URGENT: "紧急",
    Severity.ORDINARY: "普通",
    Severity.COMPLEX: "复杂",
    Severity.MAJOR: "特殊重大",
}
_TARGETS = {
    Severity.URGENT: "工作人员将于{due}前到达现场",
    Severity.ORDINARY: "按“1341”要求将于{due}前解决",
    Severity.COMPLEX: "按“1341”要求将于{due}前解决",
    Severity.MAJOR: "将于{due}前形成解决方案",
}
RATING_LABELS = {
    1: "1分 很不满意",
    2: "2分 不满意",
    3: "3分 一般",
    4: "4分 满意",
    5: "5分 非常满意",
}


def _clause(note: str | None) -> str | None:
    # Staff often end a note with 。; the templates add their own punctuation.
    cleaned = (note or "").strip().rstrip("。.！!；;，,")
    return cleaned or None


def format_time(moment: datetime) -> str:
    local = china_time.to_china(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def target_text(ticket: Ticket) -> str:
    return _TARGETS[ticket.severity].format(due=format_time(ticket.due_at))


def assignee_text(ticket: Ticket) -> str:
    parts = [p for p in (ticket.community, ticket.grid, ticket.department) if p]
    return "".join(parts) or "社区工作人员"


def receipt_assignee(ticket: Ticket) -> str:
    """Who the receipt says has the ticket: "和顺社区第一网格的网格员"."""
    where = "".join(p for p in (ticket.community, ticket.grid) if p)
    if ticket.grid:
        return f"{where}的网格员"
    return f"{where}工作人员" if where else "社区工作人员"


def dispatched(ticket: Ticket) -> str:
    return (
        f"您反映的问题（工单号 {ticket.number}，{ticket.category}）已派单给"
        f"{assignee_text(ticket)}，{target_text(ticket)}。"
    )


def transferred(ticket: Ticket, note: str | None) -> str:
    note = _clause(note)
    reason = f"（{note}）" if note else ""
    return (
        f"您的工单 {ticket.number} 已转交{assignee_text(ticket)}办理{reason}，"
        f"{target_text(ticket)}。"
    )


def in_progress(ticket: Ticket, note: str | None) -> str:
    note = _clause(note)
    detail = f"：{note}。" if note else "。"
    return f"您的工单 {ticket.number}（{ticket.category}）正在处理中{detail}"


def closed(ticket: Ticket, note: str | None) -> str:
    note = _clause(note)
    result = f"处理结果：{note}。" if note else ""
    return (
        f"您的工单 {ticket.number}（{ticket.category}）已办结。{result}"
        "请为本次服务打分（1-5分），您的评价会帮助我们做得更好。"
    )


def rejected(ticket: Ticket, note: str | None) -> str:
    note = _clause(note)
    reason = f"，原因：{note}" if note else ""
    return (
        f"您的工单 {ticket.number}（{ticket.category}）已退回{reason}。"
        "如有疑问可以回复我们，或拨打12345市民热线。"
    )


def rating_payload(number: str, score: int) -> str:
    # The engine's button convention (/intent{entities}); the conversation maps it to a rating.
    return f'/rate_ticket{{"ticket_number": "{number}", "rating": {score}}}'


def rating_buttons(number: str) -> tuple[Button, ...]:
    return tuple(Button(RATING_LABELS[s], rating_payload(number, s)) for s in range(5, 0, -1))


def thanks_for_rating(ticket: Ticket) -> str:
    return f"感谢您对工单 {ticket.number} 的评价！"


# --- While a person has the conversation (handoff) ---------------------------------------
STAFF_REPLY = "【社区工作人员】{text}"
RELEASED = "工作人员已结束本次对话，接下来由小助手继续为您服务。还有什么需要，直接告诉我就行。"
ESCALATED = (
    "抱歉，工作人员暂时没空回复您。您的问题已登记为工单 {number}，工作人员会尽快在这里联系您。"
    "着急的话可以拨打12345市民热线。"
)
WEEKDAYS = "一二三四五六日"


def back_at(moment: datetime) -> str:
    """The day and time staff return, e.g. `12月7日（周一）08:30`."""
    local = china_time.to_china(moment)
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def escalation_description(question: str | None) -> str:
    asked = f"居民原话：{question}" if question else "居民未留下具体问题"
    return f"居民申请人工服务，工作人员未能及时接入，请通过原渠道回复或回电。{asked}"


# --- Bookings (预约) ---------------------------------------------------------------------
BOOKING_STATUS_LABELS = {
    "booked": "已预约",
    "pending": "待确认",
    "cancelled": "已取消",
    "done": "已完成",
    "no_show": "未到",
}


def day_label(moment: datetime) -> str:
    """`11月26日（周四）`, the day as residents read it."""
    local = china_time.to_china(moment)
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）"


def slot_label(start: datetime, end: datetime) -> str:
    """`11月26日（周四）14:00-14:30`."""
    return f"{day_label(start)}{china_time.to_china(start):%H:%M}-{china_time.to_china(end):%H:%M}"


def booking_reminder(
    *,
    number: str,
    service: str,
    site: str,
    address: str,
    start: datetime,
    end: datetime,
    bring: str,
) -> str:
    return (
        f"温馨提醒：您明天预约了{service}（预约号 {number}），时间 {slot_label(start, end)}，"
        f"地点 {site}（{address}）。请带好：{bring}。去不了的话，回复“取消预约”就行。"
    )


def booking_cancelled_by_staff(
    *, number: str, service: str, site: str, start: datetime, note: str | None, alternatives: str
) -> str:
    reason = _clause(note)
    why = f"，原因：{reason}" if reason else ""
    offer = (
        f"还可以预约的时间：{alternatives}。回复“预约{service}”即可重新预约。"
        if alternatives
        else f"回复“预约{service}”可以另约时间。"
    )
    return (
        f"抱歉，您在{site}的{service}预约（预约号 {number}，{day_label(start)}"
        f"{china_time.to_china(start):%H:%M}）已被工作人员取消{why}。{offer}"
    )


def booking_confirmed_by_staff(*, number: str, service: str, start: datetime, end: datetime) -> str:
    return (
        f"您的{service}预约（预约号 {number}）已确认，工作人员将于 {slot_label(start, end)} 上门。"
    )
