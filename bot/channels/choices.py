"""Numbered reply choices for channels without buttons (WeChat): show, remember, resolve."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.channels import messages
from bot.db.inbound import ChannelChoices
from bot.notifications.sender import Button

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
