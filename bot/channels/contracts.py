"""What a bridge and the relay exchange: the engine and reply-sink interfaces, one inbound
message, and the outcome of handling it."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from bot.engine.client import BotMessage


class Engine(Protocol):
    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]: ...


class ReplySink(Protocol):
    """Pushes a late answer to a user (the platform API); raises on failure."""

    async def deliver(self, user_id: str, reply: Sequence[BotMessage]) -> None: ...


class Outcome(enum.Enum):
    ANSWERED = "answered"
    QUEUED = "queued"  # engine down: the resident was told, the retry loop answers later
    DUPLICATE = "duplicate"  # seen before: say nothing
    REFUSED = "refused"  # over the rate limit: a polite word
    IGNORED = "ignored"  # still over the rate limit: silence


@dataclass(frozen=True)
class Inbound:
    user_id: str  # chat id / openid, without the channel
    message_key: str  # unique per platform message: update_id, MsgId …
    text: str  # cleaned text or an agreed payload (/share_location{…})
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RelayResult:
    outcome: Outcome
    reply: list[BotMessage] = field(default_factory=list)


@dataclass(frozen=True)
class RelayTiming:
    retry_after: timedelta = timedelta(seconds=10)  # also how long the engine counts as down
    lease: timedelta = timedelta(minutes=2)  # longer than any engine call may take
    max_age: timedelta = timedelta(hours=24)  # older queued messages are dropped, not answered
    keep_for: timedelta = timedelta(days=3)  # dedupe memory; platforms redeliver for minutes
    # The engine's session expiry (session_expiration_time): a message queued longer than this
    # would reach a new, empty session, so it is not replayed.
    context_ttl: timedelta = timedelta(minutes=60)
    # How long a message waits for an older one of the same resident that another web process
    # is answering, before it joins the queue behind it.
    order_wait: timedelta = timedelta(seconds=3)
