"""The supervisor of `jiamenkou up`: a dead child is started again, with growing backoff, and
the operator is told in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.supervisor import Supervisor


@dataclass
class FakeStack:
    codes: dict[str, int | None] = field(
        default_factory=lambda: {"engine": None, "action server": None, "web": None}
    )
    up: dict[str, bool] = field(default_factory=dict)
    respawned: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(self.codes)

    def exit_code(self, name: str) -> int | None:
        return self.codes[name]

    def respawn(self, name: str) -> None:
        self.respawned.append(name)
        self.codes[name] = None
        self.up[name] = False

    def ready(self, name: str) -> bool:
        return self.up.get(name, True)

    def log_of(self, name: str) -> Path:
        return Path(f"/logs/{name}.log")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_killed_engine_is_restarted_and_its_return_announced() -> None:
    stack, clock, said = FakeStack(), Clock(), []
    supervisor = Supervisor(stack, say=said.append, clock=clock)
    supervisor.tick()
    clock.now += 300
    stack.codes["engine"] = -9  # kill -9 after five minutes
    supervisor.tick()
    assert "the engine was killed by signal 9 after running 300 s" in said[0]
    assert "starting it again in 1 s" in said[0] and "/logs/engine.log" in said[0]
    assert "while starting" not in said[0]
    assert stack.respawned == []  # not before the backoff
    clock.now += 1
    supervisor.tick()
    assert stack.respawned == ["engine"]
    clock.now += 50
    supervisor.tick()
    assert len(said) == 1  # still loading its model: nothing to say
    stack.up["engine"] = True
    supervisor.tick()
    assert said[-1] == "the engine is back after 51 s."
    assert stack.codes["web"] is None and "web" not in stack.respawned


def test_a_child_that_keeps_dying_waits_longer_each_time() -> None:
    stack, clock, said = FakeStack(), Clock(), []
    supervisor = Supervisor(stack, say=said.append, clock=clock, max_delay_s=8)
    delays = []
    for _ in range(6):
        stack.codes["action server"] = 1
        supervisor.tick()
        delays.append(said[-1].split("again in ")[1].split(" s")[0])
        clock.now += 100
        supervisor.tick()  # restarted; it dies again before it is ready
    assert delays == ["1", "2", "4", "8", "8", "8"]
    assert stack.respawned == ["action server"] * 6
