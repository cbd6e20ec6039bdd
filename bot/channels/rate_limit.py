"""Per-user sliding-window rate limit of the bridges (in memory: one bridge process each)."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

from bot.sliding_window import SlidingWindow


class Verdict(enum.Enum):
    ALLOW = "allow"
    REFUSE = "refuse"  # the first refused message of a burst: tell the user politely
    IGNORE = "ignore"  # refused again in the same burst: stay silent, answering costs quota


class RateLimiter:
    """At most `limit` messages per user within any `window_s` seconds."""

    def __init__(
        self, *, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window = SlidingWindow(limit=limit, window_s=window_s, clock=clock)
        self._clock = clock
        self._told: dict[str, float] = {}  # user -> when the polite refusal was last sent

    def check(self, user: str) -> Verdict:
        if self._window.hit(user) is None:
            return Verdict.ALLOW
        now = self._clock()
        told = self._told.get(user)
        if told is not None and told > now - self._window.window_s:
            return Verdict.IGNORE
        if len(self._told) >= 1024:  # forget refusals older than a window
            cutoff = now - self._window.window_s
            self._told = {u: t for u, t in self._told.items() if t > cutoff}
        self._told[user] = now
        return Verdict.REFUSE
