"""An update processor that keeps each chat's updates in order while chats run in parallel."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.keyed_locks import KeyedLocks


class ChatOrderedProcessor(BaseUpdateProcessor):
    """PTB hands updates over in arrival order; one lock per chat makes the second message of
    a chat wait until the first is answered, and a slow chat never blocks the others."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._chats.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
