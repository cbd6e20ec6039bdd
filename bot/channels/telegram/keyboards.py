"""Turns the engine's reply into Telegram messages: inline buttons, the share-location key."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.engine.client import BotMessage
from bot.notifications.sender import Button
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)

CALLBACK_DATA_MAX_BYTES = 64  # Telegram refuses the whole message beyond this

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True)
class Outgoing:
    text: str
    markup: Markup | None = None
    photo: str | None = None  # URL of an image to send (then `text` is its caption)


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row (Chinese titles are long); a tap sends the payload back."""
    rows = []
    for button in buttons:
        if len(button.payload.encode()) > CALLBACK_DATA_MAX_BYTES:
            # Dropping one button keeps the message; sending it would fail entirely.
            logger.warning("button %r dropped: payload longer than 64 bytes", button.title)
            continue
        rows.append([InlineKeyboardButton(button.title, callback_data=button.payload)])
    return InlineKeyboardMarkup(rows) if rows else None


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(messages.SHARE_LOCATION_BUTTON, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def render(reply: Sequence[BotMessage]) -> list[Outgoing]:
    """Telegram messages for an engine reply, in order.

    The engine sends `{"request_location": true}` as a message of its own after the question;
    the key is attached to that question when it has no inline buttons (a message carries one
    keyboard), else it comes with a short prompt of its own.
    """
    out: list[Outgoing] = []
    for message in reply:
        buttons = [Button(b.title, b.payload) for b in message.buttons]
        if message.image:
            out.append(Outgoing(message.text, inline_keyboard(buttons), photo=message.image))
        elif message.text:
            out.append(Outgoing(message.text, inline_keyboard(buttons)))
        if (message.custom or {}).get("request_location"):
            if out and out[-1].markup is None and out[-1].photo is None:
                out[-1] = Outgoing(out[-1].text, location_keyboard())
            else:
                out.append(Outgoing(messages.SHARE_LOCATION_PROMPT, location_keyboard()))
    return out
