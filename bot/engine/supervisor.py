"""Keeps the stack of `jiamenkou up` running: a child that dies is started again with backoff.

While the engine or the action server is away, the web service and the bridges keep taking
messages: the relay answers the apology and queues them, and its retry loop answers them once
the engine is back. Only the operator's words come from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class Supervised(Protocol):
    def names(self) -> list[str]: ...
    def exit_code(self, name: str) -> int | None: ...
    def respawn(self, name: str) -> None: ...
    def ready(self, name: str) -> bool: ...
    def log_of(self, name: str) -> Path: ...


@dataclass
class _Child:
    started_at: float
    failures: int = 0  # deaths since it was last ready: the backoff grows with them
    down_since: float | None = None
    restart_at: float | None = None
    waiting_ready: bool = False


@dataclass
class Supervisor:
    stack: Supervised
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    first_delay_s: float = 1.0
    max_delay_s: float = 60.0
    _children: dict[str, _Child] = field(default_factory=dict)

    def tick(self) -> None:
        """Look at every child once; call about every second."""
        now = self.clock()
        for name in self.stack.names():
            child = self._children.setdefault(name, _Child(started_at=now))
            code = self.stack.exit_code(name)
            if code is None:
                if child.waiting_ready and self.stack.ready(name):
                    child.waiting_ready = False
                    child.failures = 0
                    away = now - (child.down_since or now)
                    child.down_since = None
                    self.say(f"the {name} is back after {away:.0f} s.")
                continue
            if child.restart_at is None:
                self._died(name, child, code, now)
            if child.restart_at is not None and now >= child.restart_at:
                child.restart_at = None
                child.waiting_ready = True
                child.started_at = now
                self.stack.respawn(name)

    def _died(self, name: str, child: _Child, code: int, now: float) -> None:
        delay = min(self.max_delay_s, self.first_delay_s * 2**child.failures)
        child.failures += 1
        child.down_since = child.down_since or now
        child.restart_at = now + delay
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        ran = now - child.started_at
        again = "" if child.failures == 1 else f" (attempt {child.failures})"
        self.say(
            f"the {name} {how} after running {ran:.0f} s; starting it again in {delay:.0f} s"
            f"{again}. Messages keep being taken and are answered when it is back; "
            f"its log: {self.stack.log_of(name)}"
        )
