"""An engine reply as one WeChat text (no buttons there: they become a numbered list)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.choices import numbered
from bot.engine.client import BotMessage
from bot.notifications.sender import Button
from bot.templates import bridges as messages


def as_text(reply: Sequence[BotMessage]) -> tuple[str, list[Button]]:
    """The text to send and the buttons its numbers stand for. A passive reply carries one
    message, so the engine's messages are joined; `request_location` has no WeChat form (the
    question already says "send your location")."""
    parts: list[str] = []
    buttons: list[Button] = []
    for message in reply:
        if message.text:
            parts.append(message.text)
        if message.image:
            parts.append(message.image)
        buttons += [Button(b.title, b.payload) for b in message.buttons]
    text = numbered("\n".join(parts), buttons)
    return text or messages.NO_REPLY, buttons
