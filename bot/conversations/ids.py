"""Conversation ids staff see: a keyed hash of the engine's sender id, never the chat id or
openid itself, and the channel a conversation came through."""

from __future__ import annotations

import hashlib
import hmac

CHANNELS = ("telegram", "wechat", "terminal", "rest")


def conversation_id(sender_id: str, *, secret: str) -> str:
    # Keyed: a plain hash of a numeric Telegram chat id could be reversed by trying them all.
    digest = hmac.new(secret.encode(), sender_id.encode(), hashlib.sha256).hexdigest()
    return "c" + digest[:15]


def channel_of(sender_id: str) -> str:
    """Bridges post as "<channel>:<user>"; anything else came straight to the REST channel."""
    channel, sep, user = sender_id.partition(":")
    if sep and user and channel in CHANNELS:
        return channel
    return "rest"


def user_of(sender_id: str) -> str:
    channel, sep, user = sender_id.partition(":")
    return user if sep and channel in CHANNELS else sender_id


def find_sender(senders: list[str], wanted: str, *, secret: str) -> str | None:
    """The sender id whose conversation id is `wanted` (ids are not reversible by design)."""
    wanted = wanted.strip().lower()
    return next((s for s in senders if conversation_id(s, secret=secret) == wanted), None)
