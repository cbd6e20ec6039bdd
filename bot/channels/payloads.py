"""What the bridges post to the engine: sender ids and the payload texts agreed with it.

Payloads ("/intent{json}") are the engine's internal language. Only the functions here make
them, from what a bridge itself received: its own buttons, a shared location, a photo. A
resident's typed text never becomes one (`input_guard.guard_text` strips the slash).
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sites.coords import valid_point

# File ids of Telegram and media ids of WeChat: URL-safe base64-like, never a URL.
_PLATFORM_FILE_ID = re.compile(r"[A-Za-z0-9_-]{1,256}")
PHOTO_CHANNELS = ("telegram", "wechat")
# A payload without entities ("/find_station"): all a WeChat menu click may send.
_INTENT_ONLY = re.compile(r"/[a-z][a-z_]{0,63}")


class PayloadError(ValueError):
    """A value a bridge was about to put into a payload is not acceptable."""


def sender_id(channel: str, user_id: str) -> str:
    # The actions split on the first ":" to find the channel and the owner of tickets.
    return f"{channel}:{user_id}"


def metadata(channel: str, message_id: str | int, **extra: Any) -> dict[str, Any]:
    return {"channel": channel, "message_id": str(message_id), **extra}


def share_location(latitude: float, longitude: float) -> str:
    """A shared point, WGS-84 (convert GCJ-02 before calling); PayloadError when it is not a
    point on Earth."""
    point = valid_point(latitude, longitude)
    if point is None:
        raise PayloadError("the shared location is not a point on Earth")
    return "/share_location" + json.dumps(
        {"latitude": round(point[0], 7), "longitude": round(point[1], 7)}
    )


def photo_ref(channel: str, file_id: str) -> str:
    """The reference of a photo the bridge received: "<channel>:<platform file id>"."""
    if channel not in PHOTO_CHANNELS or not _PLATFORM_FILE_ID.fullmatch(file_id):
        raise PayloadError("not a platform file id")
    return f"{channel}:{file_id}"


def is_photo_ref(ref: object, *, channel: str) -> bool:
    """Whether `ref` is a photo reference the bridge of `channel` can have made. URLs and
    other channels' ids are refused: a ticket's photos are only what the resident sent."""
    if not isinstance(ref, str):
        return False
    prefix, sep, file_id = ref.partition(":")
    return (
        bool(sep)
        and prefix == channel
        and prefix in PHOTO_CHANNELS
        and bool(_PLATFORM_FILE_ID.fullmatch(file_id))
    )


def attach_photo(ref: str) -> str:
    channel = ref.partition(":")[0]
    if not is_photo_ref(ref, channel=channel):
        raise PayloadError("not a photo reference made by a bridge")
    return "/attach_photo" + json.dumps({"photo_ref": ref}, ensure_ascii=False)


def is_intent_only(payload: str) -> bool:
    """An intent without entities, e.g. a menu's "/find_station"."""
    return bool(_INTENT_ONLY.fullmatch(payload))
