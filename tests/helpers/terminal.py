"""Drives the terminal chat with typed lines against the real engine, collecting what it prints."""

from __future__ import annotations

import asyncio

from bot.channels.terminal import InboxFn, chat
from bot.engine.client import EngineClient
from bot.engine.processes import StackConfig


def run_terminal_chat(
    engine: StackConfig,
    lines: list[str],
    *,
    sender_id: str | None = None,
    inbox: InboxFn | None = None,
) -> tuple[int, list[str]]:
    """Types `lines`, then end-of-input; returns the exit code and every printed line."""
    typed = iter(lines)
    printed: list[str] = []

    def read(_prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    async def run() -> int:
        client = EngineClient(engine.engine_url, engine.token)
        try:
            return await chat(
                client,
                max_chars=2000,
                sender_id=sender_id,
                read=read,
                write=printed.append,
                inbox=inbox,
            )
        finally:
            await client.aclose()

    return asyncio.run(run()), printed
