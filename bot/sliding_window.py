"""Sliding-window limits, with the wait to tell the caller: the web service's (keys are a client
address, an API key's name …) and the bridges' per-resident limit. In memory, per process."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` hits per key within any `window_s` seconds."""

    def __init__(
        self, *, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> int | None:
        """Count a hit; None when allowed, else the whole seconds until one would be."""
        now = self._clock()
        self._forget_idle(now)
        stamps = self._hits.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window_s:
            stamps.popleft()
        if len(stamps) < self.limit:
            stamps.append(now)
            return None
        return max(1, math.ceil(stamps[0] + self.window_s - now))

    def _forget_idle(self, now: float) -> None:
        # Only when the table has grown (many addresses): drop keys idle for a whole window.
        if len(self._hits) < 4096:
            return
        cutoff = now - self.window_s
        for key in [k for k, s in self._hits.items() if not s or s[-1] <= cutoff]:
            del self._hits[key]
