"""Numbered reply choices: shown as numbers where there are no buttons (WeChat, terminal), and
remembered on every channel so that a typed number means the choice just offered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.columns import utcnow
from bot.db.inbound import ChannelChoices
from bot.engine.client import BotMessage
from bot.notifications.sender import Button
from bot.templates import bridges as messages

# After a day a bare number is more likely a new question ("3号楼") than an old choice.
CHOICES_TTL = timedelta(hours=24)


def numbered(text: str, buttons: Sequence[Button]) -> str:
    """`text` followed by "1. title" lines and the hint, or `text` alone without buttons."""
    if not buttons:
        return text
    lines = [text] if text else []
    lines += [f"{i}. {b.title}" for i, b in enumerate(buttons, start=1)]
    lines.append(messages.CHOOSE_HINT)
    return "\n".join(lines)


def remember_choices(
    *, session: Session, channel: str, user_id: str, buttons: Sequence[Button], now: datetime
) -> None:
    """Keep the buttons just shown (an empty list forgets earlier ones: numbers then mean
    nothing special)."""
    row = session.get(ChannelChoices, (channel, user_id))
    if row is None:
        if not buttons:
            return
        row = ChannelChoices(channel=channel, user_id=user_id)
        session.add(row)
    row.buttons = [b.to_json() for b in buttons]
    row.updated_at = now


def resolve_choice(
    *, session: Session, channel: str, user_id: str, text: str, now: datetime
) -> str:
    """The payload of button number `text` if one was shown recently, else `text` itself."""
    if not text.isdigit():
        return text
    row = session.get(ChannelChoices, (channel, user_id))
    if row is None or row.updated_at < now - CHOICES_TTL:
        return text
    index = int(text)
    if 1 <= index <= len(row.buttons):
        return Button.from_json(row.buttons[index - 1]).payload
    return text


def offered_buttons(reply: Sequence[BotMessage]) -> list[Button]:
    """The choices a reply leaves the resident with: the buttons of its last message that has
    any (a later plain message does not withdraw them)."""
    for message in reversed(reply):
        if message.buttons:
            return [Button(b.title, b.payload) for b in message.buttons]
    return []


class ChoiceMemory:
    """The choices last shown to each resident of one channel, kept in the database so that
    every process of the bridge agrees; blocking work runs in a thread."""

    def __init__(
        self,
        *,
        channel: str,
        session_factory: sessionmaker[Session],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._channel = channel
        self._factory = session_factory
        self._clock = clock

    async def remember(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        buttons = offered_buttons(reply)

        def work() -> None:
            with self._factory.begin() as session:
                remember_choices(
                    session=session,
                    channel=self._channel,
                    user_id=user_id,
                    buttons=buttons,
                    now=self._clock(),
                )

        await asyncio.to_thread(work)

    async def resolve(self, user_id: str, text: str) -> str:
        if not text.strip().isdigit():
            return text

        def work() -> str:
            with self._factory.begin() as session:
                return resolve_choice(
                    session=session,
                    channel=self._channel,
                    user_id=user_id,
                    text=text.strip(),
                    now=self._clock(),
                )

        return await asyncio.to_thread(work)
