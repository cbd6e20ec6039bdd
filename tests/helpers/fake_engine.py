"""An in-process stand-in for the engine's REST channel (fast tests of the bridges)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from bot.channels.contracts import Engine
from bot.engine.client import BotMessage, Button
from bot.errors import EngineUnavailable


@dataclass
class FakeEngine:
    """Answers "回声：<text>"; `down` makes it raise like an unreachable engine; `delay_s`
    makes it slow; `replies` overrides the answer to one text."""

    down: bool = False
    delay_s: float = 0.0
    replies: dict[str, list[BotMessage]] = field(default_factory=dict)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]:
        if self.down:
            raise EngineUnavailable("fake engine is down")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.calls.append((sender_id, text, dict(metadata or {})))
        if text in self.replies:
            return self.replies[text]
        return [BotMessage(f"回声：{text}")]


@dataclass
class SwitchableEngine:
    """Forwards to `target`, which a test replaces to bring the engine back (the relay is
    built with its engine and keeps it)."""

    target: Engine

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]:
        return await self.target.send(sender_id, text, metadata)


GREETING = [
    BotMessage(
        "您好！请问有什么可以帮您？",
        [Button("找附近的服务站", "/find_station"), Button("反映问题", "/report_problem")],
    )
]
ASK_LOCATION = [
    BotMessage("请发送您的位置。"),
    BotMessage(custom={"request_location": True}),
]
