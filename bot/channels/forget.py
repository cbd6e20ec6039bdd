"""A resident's "forget me": `/forget` or a plain request to delete the chat record, recognised
by the channels themselves (never guessed by the NLU), and the eraser they call."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.config import Settings

# Delete every event of one conversation (engine sender id); returns how many went.
Eraser = Callable[[str], int]

FORGET_COMMAND = "/forget"
_PHRASES = frozenset(
    {
        "删除我的聊天记录",
        "删除聊天记录",
        "删掉我的聊天记录",
        "删掉聊天记录",
        "清除我的聊天记录",
        "清除聊天记录",
        "清空我的聊天记录",
        "清空聊天记录",
        "删除我的对话记录",
        "删除对话记录",
        "忘记我",
    }
)
_NOISE = re.compile(r"[\s，。！？,.!?、~～请帮我把麻烦吧]+")


def is_forget_request(text: str) -> bool:
    stripped = text.strip()
    if stripped.split("@")[0].lower() == FORGET_COMMAND:
        return True
    core = _NOISE.sub("", stripped)
    return core in {_NOISE.sub("", p) for p in _PHRASES}


def record_eraser(settings: Settings) -> Eraser:
    """Erases through the conversation record on the configured databases (opened per call:
    a rare request, and the bridge then holds no tracker-store connection)."""

    def erase(sender_id: str) -> int:
        from bot.conversations.service import open_record

        with open_record(settings) as record:
            return record.forget(sender_id)

    return erase
