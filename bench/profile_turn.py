"""Where a turn's time goes: py-spy samples the engine and the action server (and the web
service for WeChat) while `bench.load` drives the usual conversation mix at a steady rate.

Run: .venv/bin/python -m bench.profile_turn [--rate 10] [--seconds 40] [--channel rest|wechat]
     [--model PATH] [--raw-dir DIR]

Each process's samples (py-spy, 100 Hz, only threads that are running) are sorted into stages
by the innermost frame that names one (the first matching rule below, from the leaf up), then
turned into CPU milliseconds per turn: samples / 100 Hz * 1000 / answered turns. Prints one
JSON object; the raw collapsed stacks stay in `--raw-dir` for a closer look.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.load import Channel, machine, run_load, started_stack

HZ = 100
# (stage, substring of a frame "function (file:line)"), checked from the leaf frame upwards;
# the first frame that matches any rule decides the stage.
ENGINE_STAGES: tuple[tuple[str, str], ...] = (
    ("nlu: tokenizer", "jieba"),
    ("nlu: featurizers", "featurizers/"),
    ("nlu: DIET", "diet_classifier"),
    ("nlu: other components", "rasa/nlu/"),
    ("policy: TEDPolicy", "ted_policy"),
    ("policy: MemoizationPolicy", "memoization"),
    ("policy: RulePolicy", "rule_policy"),
    ("policy: ensemble + featurising states", "rasa/core/policies/"),
    ("tracker store (SQL)", "tracker_store"),
    ("tracker store (SQL)", "sqlalchemy"),
    ("lock store", "lock_store"),
    ("action call: HTTP client", "aiohttp"),
    ("action call: request body (tracker + domain)", "_action_call_format"),
    ("action call: other", "rasa/core/actions/action.py"),
    ("tracker: events and states", "rasa/shared/core/"),
    ("response generation (NLG)", "rasa/core/nlg"),
    ("processor", "rasa/core/processor"),
    ("graph runner", "rasa/engine/"),
    ("HTTP server (sanic)", "sanic"),
    ("JSON", "json"),
    ("asyncio loop", "asyncio"),
)
ACTION_STAGES: tuple[tuple[str, str], ...] = (
    ("database (SQLAlchemy + driver)", "sqlalchemy"),
    ("database (SQLAlchemy + driver)", "sqlite3"),
    ("database (SQLAlchemy + driver)", "psycopg"),
    ("domain code (bot/)", "bot/"),
    ("actions/", "actions/"),
    ("rasa-sdk", "rasa_sdk"),
    ("HTTP server (sanic)", "sanic"),
    ("JSON", "json"),
    ("asyncio loop", "asyncio"),
)
WEB_STAGES: tuple[tuple[str, str], ...] = (
    ("database (SQLAlchemy + driver)", "sqlalchemy"),
    ("engine client (httpx)", "httpx"),
    ("engine client (httpx)", "httpcore"),
    ("wechat bridge", "channels/wechat"),
    ("relay + inbound queue", "bot/channels"),
    ("web service (FastAPI/uvicorn)", "fastapi"),
    ("web service (FastAPI/uvicorn)", "starlette"),
    ("web service (FastAPI/uvicorn)", "uvicorn"),
    ("asyncio loop", "asyncio"),
)


def classify(raw: Path, rules: tuple[tuple[str, str], ...]) -> Counter[str]:
    """Samples per stage from py-spy's collapsed stacks ("frame;frame;… count")."""
    stages: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        stage = "other"
        for frame in reversed(frames):
            hit = next((name for name, needle in rules if needle in frame), None)
            if hit is not None:
                stage = hit
                break
        stages[stage] += int(count)
    return stages


def per_turn_ms(stages: Counter[str], turns: int) -> dict[str, float]:
    scale = 1000 / HZ / max(turns, 1)
    ordered = sorted(stages.items(), key=lambda kv: -kv[1])
    table = {name: round(n * scale, 2) for name, n in ordered}
    table["total"] = round(sum(stages.values()) * scale, 2)
    return table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_turn")
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--channel", choices=("rest", "wechat"), default="rest")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--raw-dir", type=Path)
    args = parser.parse_args()
    channel: Channel = args.channel
    raw_dir = args.raw_dir or Path(tempfile.mkdtemp(prefix="jiamenkou-profile-"))
    raw_dir.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).parent / "py-spy"
    with started_stack(channel=channel, model=args.model) as target:
        # Warm up (first calls load lazily built things), then sample a steady run.
        asyncio.run(run_load(target, rate=args.rate, seconds=5, channel=channel, check=False))
        watched = {"engine": ENGINE_STAGES, "action server": ACTION_STAGES, "web": WEB_STAGES}
        spies = {
            name: subprocess.Popen(
                [
                    str(spy),
                    "record",
                    "--pid",
                    str(pid),
                    "--rate",
                    str(HZ),
                    "--format",
                    "raw",
                    "--duration",
                    str(int(args.seconds)),
                    "--nonblocking",
                    "--output",
                    str(raw_dir / f"{name.replace(' ', '-')}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name, pid in target.pids.items()
            if name in watched
        }
        load = asyncio.run(
            run_load(target, rate=args.rate, seconds=args.seconds, channel=channel, check=False)
        )
        for proc in spies.values():
            proc.wait(timeout=120)
    result: dict[str, Any] = {"machine": machine(), "channel": channel, "load": load}
    turns = int(load["turns"])
    for name in spies:
        raw = raw_dir / f"{name.replace(' ', '-')}.txt"
        if raw.exists():
            result[f"{name} cpu_ms_per_turn"] = per_turn_ms(classify(raw, watched[name]), turns)
    result["raw_dir"] = str(raw_dir)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
