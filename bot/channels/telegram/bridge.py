"""Telegram handlers: each turns one update into an engine message and shows the answer."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.channels import payloads
from bot.channels.contracts import Inbound, RelayResult
from bot.channels.input_guard import guard_text
from bot.channels.relay import ChannelRelay
from bot.channels.telegram.replies import TelegramReplies
from bot.engine.client import BotMessage
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
Context = ContextTypes.DEFAULT_TYPE

# Commands that are shortcuts for an engine intent (the payload is posted as the text).
COMMAND_PAYLOADS = {
    "mytickets": "/check_ticket",
    "mybookings": "/list_bookings",
    "human": "/human_handoff",
    # Not an engine intent: the relay itself deletes the conversation record.
    "forget": "/forget",
}


def offered_payloads(message: object) -> set[str]:
    """The callback data of the inline buttons on `message` (none on an inaccessible one)."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return set()
    return {
        button.callback_data
        for row in markup.inline_keyboard
        for button in row
        if isinstance(button.callback_data, str)
    }


class TelegramBridge:
    """Handlers bound to one relay; registered on the Application by `app.build_application`."""

    def __init__(self, relay: ChannelRelay, replies: TelegramReplies, *, max_chars: int) -> None:
        self._relay = relay
        self._replies = replies
        self._max_chars = max_chars

    async def on_start(self, update: Update, context: Context) -> None:
        await self._local(update, messages.TELEGRAM_WELCOME)

    async def on_help(self, update: Update, context: Context) -> None:
        await self._local(update, messages.TELEGRAM_HELP)

    async def on_command(self, update: Update, context: Context) -> None:
        text = update.effective_message.text if update.effective_message else None
        # "/mytickets@JiamenkouBot extra words" -> "mytickets"
        command = (text or "/").split()[0][1:].split("@")[0].lower()
        await self._relay_text(update, COMMAND_PAYLOADS[command])

    async def on_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        checked = guard_text(message.text or "", max_chars=self._max_chars)
        if checked.text is None:
            await self._local(update, checked.reply or messages.EMPTY_MESSAGE)
            return
        chat_id = str(update.effective_chat.id) if update.effective_chat else ""
        # A typed "2" means the second button just shown, as a tap would.
        await self._relay_text(update, await self._replies.resolve_typed(chat_id, checked.text))

    async def on_location(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or message.location is None:
            return
        extra: dict[str, Any] = {}
        if message.venue is not None:  # a place picked from the map: its name helps staff
            extra = {"label": message.venue.title, "address": message.venue.address}
        point = message.location
        try:
            payload = payloads.share_location(point.latitude, point.longitude)
        except payloads.PayloadError:
            await self._local(update, messages.LOCATION_INVALID)
            return
        await self._relay_text(update, payload, **extra)

    async def on_photo(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or not message.photo:
            return
        largest = max(message.photo, key=lambda size: size.width * size.height)
        try:
            payload = payloads.attach_photo(payloads.photo_ref(CHANNEL, largest.file_id))
        except payloads.PayloadError:
            await self._local(update, messages.UNSUPPORTED_MESSAGE)
            return
        await self._relay_text(update, payload)
        caption = guard_text(message.caption or "", max_chars=self._max_chars).text
        if caption:  # "楼道灯坏了" under the photo is a message of its own
            await self._relay_text(update, caption, key_suffix=":caption")

    async def on_callback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        # Answered first: the client shows a spinner on the button until it is.
        await query.answer()
        if not query.data:
            return
        # A modified client can send any callback data; Telegram passes it on unchecked. Only
        # a button on the message tapped (Telegram's own copy of it) may become a payload.
        if query.data not in offered_payloads(query.message):
            logger.warning("telegram callback data not offered on its message; ignored")
            return
        await self._relay_text(update, query.data)

    async def on_unsupported(self, update: Update, context: Context) -> None:
        await self._local(update, messages.UNSUPPORTED_MESSAGE)

    async def on_error(self, update: object, context: Context) -> None:
        logger.error("telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, messages.ENGINE_DOWN_RETRY)
            except Exception:  # Telegram itself may be the problem: nothing more to do
                logger.warning("could not tell the chat about the failure")

    # --- internals ---------------------------------------------------------------------
    async def _relay_text(
        self, update: Update, text: str, *, key_suffix: str = "", **extra: Any
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        inbound = Inbound(
            user_id=str(chat.id),
            message_key=f"{update.update_id}{key_suffix}",
            text=text,
            metadata=payloads.metadata(CHANNEL, update.update_id, **extra),
        )
        await self._show(chat.id, await self._relay.receive(inbound))

    async def _local(self, update: Update, text: str) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        inbound = Inbound(user_id=str(chat.id), message_key=str(update.update_id), text="")
        await self._show(chat.id, await self._relay.answer_locally(inbound, [BotMessage(text)]))

    async def _show(self, chat_id: int, result: RelayResult) -> None:
        # An empty answer is the engine staying silent (a person holds the conversation).
        reply = result.reply
        if reply:
            await self._replies.deliver(str(chat_id), reply)
