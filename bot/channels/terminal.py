"""Terminal chat against a running engine: buttons become numbered choices."""

from __future__ import annotations

import signal
import threading
import uuid
from collections.abc import Callable

from bot.channels.forget import Eraser, is_forget_request
from bot.channels.input_guard import guard_text
from bot.engine.client import BotMessage, Button, EngineClient
from bot.errors import EngineUnavailable
from bot.templates import bridges as messages

InputFn = Callable[[str], str]
OutputFn = Callable[[str], None]
# Returns notifications waiting for this terminal user (ticket status changes …) as messages.
InboxFn = Callable[[str], list[BotMessage]]


def render(reply: list[BotMessage]) -> tuple[str, list[Button]]:
    """Text to print for the engine's reply, and the buttons the numbers refer to."""
    lines: list[str] = []
    buttons: list[Button] = []
    for message in reply:
        if message.text:
            lines.append(message.text)
        if message.image:
            lines.append(f"[图片] {message.image}")
        for button in message.buttons:
            buttons.append(button)
            lines.append(f"  {len(buttons)}. {button.title}")
    if buttons:
        lines.append(messages.CHOOSE_HINT)
    # Nothing at all: the engine is silent because a person holds the conversation.
    return "\n".join(lines), buttons


def resolve_choice(text: str, buttons: list[Button]) -> str:
    """A number typed after a list of buttons means that button's payload."""
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return buttons[int(text) - 1].payload
    return text


async def chat(
    client: EngineClient,
    *,
    max_chars: int,
    sender_id: str | None = None,
    read: InputFn = input,
    write: OutputFn = print,
    inbox: InboxFn | None = None,
    eraser: Eraser | None = None,
) -> int:
    # "<channel>:<user>": actions take the channel and owner of tickets from the sender id.
    sender = sender_id or f"terminal:{uuid.uuid4().hex[:12]}"
    # asyncio.run() turns Ctrl-C into a task cancellation that only runs when the loop gets
    # control back, which never happens while input() blocks; restore the plain exception.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    write(messages.CHAT_WELCOME)
    buttons: list[Button] = []
    user = sender.partition(":")[2]
    while True:
        if inbox is not None:
            notices = inbox(user)
            if notices:
                text, buttons = render(notices)
                write(f"小助手（通知）：{text}")
        try:
            # Blocking on purpose: nothing else runs on this loop, and Ctrl-C then lands here
            # instead of in a worker thread that would keep the process alive.
            raw = read("您：")
        except (EOFError, KeyboardInterrupt):
            write(messages.CHAT_BYE)
            return 0
        checked = guard_text(raw, max_chars=max_chars)
        if checked.text is None:
            write(f"小助手：{checked.reply}")
            continue
        if eraser is not None and is_forget_request(checked.text):
            eraser(sender)
            buttons = []
            write(f"小助手：{messages.FORGOTTEN}")
            continue
        try:
            reply = await client.send(sender, resolve_choice(checked.text, buttons))
        except EngineUnavailable:
            write(f"小助手：{messages.ENGINE_DOWN_RETRY}")
            continue
        text, buttons = render(reply)
        if text:
            write(f"小助手：{text}")
