"""Per-user sliding-window rate limit of the bridges (in memory: one bridge process each)."""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable


class Verdict(enum.Enum):
    ALLOW = "allow"
    REFUSE = "refuse"  # the first refused message of a burst: tell the user politely
    IGNORE = "ignore"  # refused again in the same burst: stay silent, answering costs quota


class RateLimiter:
    """At most `limit` messages per user within any `window_s` seconds."""

    def __init__(
        self, *, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("the rate limit needs limit >= 1 and a positive window")
        self._limit = limit
        self._window = window_s
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._told: dict[str, float] = {}  # user -> when the polite refusal was last sent

    def check(self, user: str) -> Verdict:
        now = self._clock()
        self._forget_idle(now)
        stamps = self._seen.setdefault(user, deque())
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        if len(stamps) < self._limit:
            stamps.append(now)
            return Verdict.ALLOW
        told = self._told.get(user)
        if told is not None and told > now - self._window:
            return Verdict.IGNORE
        self._told[user] = now
        return Verdict.REFUSE

    def _forget_idle(self, now: float) -> None:
        # Cheap amortised cleanup: only when the table has grown, drop users idle for a window.
        if len(self._seen) < 1024:
            return
        cutoff = now - self._window
        for user in [u for u, s in self._seen.items() if not s or s[-1] <= cutoff]:
            del self._seen[user]
            self._told.pop(user, None)
