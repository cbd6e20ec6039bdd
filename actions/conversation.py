"""Facts about the conversation itself: who is talking on which channel, which message."""

from __future__ import annotations

from rasa_sdk import Tracker

DEFAULT_CHANNEL = "rest"


def channel_and_user(tracker: Tracker) -> tuple[str, str]:
    """Sender ids are "<channel>:<user>" (telegram:123, wechat:o6_b…, terminal:…)."""
    channel, sep, user = str(tracker.sender_id).partition(":")
    if not sep or not channel or not user:
        return DEFAULT_CHANNEL, str(tracker.sender_id)
    return channel, user


def incoming_message_id(tracker: Tracker) -> str | None:
    """The platform's id of the latest message (bridges send it), else Rasa's own id."""
    metadata = tracker.latest_message.get("metadata") or {}
    platform_id = metadata.get("message_id") if isinstance(metadata, dict) else None
    return str(platform_id or tracker.latest_message.get("message_id") or "") or None


def latest_entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")
