"""`jiamenkou up` as a child of an end-to-end test: its own home beside the checkout, its output
collected line by line, its engine processes found by port, and a stop that never hangs."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT


def home_beside_the_checkout(tmp_path: Path) -> Path:
    """A JIAMENKOU_HOME of its own (data, logs, secrets) that shares the code and models."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("engine", "models", "nlu_data", "bot", ".venv-engine"):
        (home / name).symlink_to(ROOT / name)
    return home


def engine_pid(engine_port: int) -> int:
    """The pid of the engine this test's `up` started (found by its own port)."""
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"jiamenkou_engine.launch" in args and str(engine_port).encode() in args:
            return int(proc.name)
    raise AssertionError("no engine process found")


async def wait_for(condition: Callable[[], bool], timeout_s: float, output: list[str]) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out; `up` said:\n" + "".join(output[-30:]))
        await asyncio.sleep(0.5)


@dataclass
class UpProcess:
    process: asyncio.subprocess.Process
    output: list[str] = field(default_factory=list)

    def said(self, words: str) -> bool:
        return any(words in line for line in self.output)


@contextlib.asynccontextmanager
async def running_up(
    *args: str, cwd: Path, env: dict[str, str], stop: signal.Signals = signal.SIGINT
) -> AsyncIterator[UpProcess]:
    """`jiamenkou up ARGS`, stopped with `stop` at the end (killed if it has not stopped within
    a minute); `output` stays readable afterwards."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "up", *args,
        cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    up = UpProcess(process)

    async def read_output() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            up.output.append(line.decode(errors="replace"))

    reader = asyncio.create_task(read_output())
    try:
        yield up
    finally:
        if process.returncode is None:
            process.send_signal(stop)  # `up` stops its children on SIGINT and SIGTERM
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 60)
            if process.returncode is None:
                process.kill()
                await process.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reader, 10)
