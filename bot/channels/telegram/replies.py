"""Sending to Telegram chats: replies and late answers (`ReplySink`), and outbox
notifications (`OutboundSender` for channel "telegram")."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot

from bot.channels.choices import ChoiceMemory
from bot.channels.telegram.keyboards import inline_keyboard, render
from bot.engine.client import BotMessage
from bot.notifications.sender import Button


class TelegramReplies:
    """Shows an engine reply in a chat; used by the handlers and by the inbound retry loop.

    With `choices`, the buttons shown are remembered, so that a number the resident types
    instead of tapping means that button (`resolve_typed`)."""

    def __init__(self, bot: Bot, choices: ChoiceMemory | None = None) -> None:
        self._bot = bot
        self._choices = choices

    async def resolve_typed(self, user_id: str, text: str) -> str:
        return await self._choices.resolve(user_id, text) if self._choices else text

    async def deliver(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        if self._choices is not None:
            await self._choices.remember(user_id, reply)
        chat_id = int(user_id)
        for item in render(reply):
            if item.photo:
                await self._bot.send_photo(
                    chat_id, item.photo, caption=item.text or None, reply_markup=item.markup
                )
            else:
                await self._bot.send_message(chat_id, item.text, reply_markup=item.markup)


class TelegramSender:
    """The outbox's sender for channel "telegram" (used by `jiamenkou serve`, which has no
    Application); the Bot is created on first use, inside the running event loop."""

    def __init__(self, *, token: str, api_base_url: str) -> None:
        self._token = token
        self._base_url = api_base_url.rstrip("/")
        self._bot: Bot | None = None

    async def send(
        self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
    ) -> None:
        if self._bot is None:
            bot = Bot(
                self._token,
                base_url=f"{self._base_url}/bot",
                base_file_url=f"{self._base_url}/file/bot",
            )
            await bot.initialize()
            self._bot = bot
        await self._bot.send_message(int(user_id), text, reply_markup=inline_keyboard(buttons))

    async def aclose(self) -> None:
        if self._bot is not None:
            await self._bot.shutdown()
            self._bot = None
