"""The interface channel bridges (Telegram, WeChat, REST/terminal) implement to push messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Button:
    title: str  # what the resident sees, e.g. "5分 非常满意"
    payload: str  # what comes back when it is pressed

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Button:
        return cls(str(raw["title"]), str(raw["payload"]))


class OutboundSender(Protocol):
    """Delivers one message to one user of one channel; raises on any failure.

    A raise (network down, platform error, user blocked the bot) leaves the message in the
    outbox for a later retry, so an implementation must not swallow errors.
    """

    async def send(
        self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
    ) -> None: ...
