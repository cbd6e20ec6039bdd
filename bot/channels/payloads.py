"""What the bridges post to the engine: sender ids and the payload texts agreed with it."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sender_id(channel: str, user_id: str) -> str:
    # The actions split on the first ":" to find the channel and the owner of tickets.
    return f"{channel}:{user_id}"


def metadata(channel: str, message_id: str | int, **extra: Any) -> dict[str, Any]:
    return {"channel": channel, "message_id": str(message_id), **extra}


def share_location(latitude: float, longitude: float) -> str:
    """A shared point, WGS-84 (convert GCJ-02 before calling)."""
    return "/share_location" + json.dumps(
        {"latitude": round(latitude, 7), "longitude": round(longitude, 7)}
    )


def attach_photo(photo_ref: str) -> str:
    return "/attach_photo" + json.dumps({"photo_ref": photo_ref}, ensure_ascii=False)


def pseudonym(user_id: str) -> str:
    """A stable stand-in for a chat id or openid in logs: lines of one user can be followed
    without the id itself appearing anywhere."""
    return "user#" + hashlib.sha256(user_id.encode()).hexdigest()[:10]
