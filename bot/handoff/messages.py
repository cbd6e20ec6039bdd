"""What residents are told outside the Rasa dialogue while a person has their conversation
(delivered through their own channel by the outbox)."""

from __future__ import annotations

from datetime import datetime

from bot import china_time

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
