"""Chaos run: load over two engine replicas behind nginx, one replica killed mid-load.

Run: DATABASE_URL=postgresql+psycopg://… REDIS_URL=redis://… \\
     .venv/bin/python -m bench.chaos --rate R --seconds S --kill-after K

Starts `jiamenkou up --replicas 2` (through bench.load's `started_stack`), sends the load
generator's eight-turn conversations through the web service's WeChat endpoint (the relay
queues a message whose engine failed and answers it later), and after K seconds kills one
engine replica with SIGKILL. Meanwhile a probe resident reports a problem over the engine's
REST channel through nginx, so the run shows which replica served each of its turns after the
kill. When the arrivals are over it waits for the inbound queue to drain, then compares every
resident's record with what was sent. Prints one JSON line: the load's figures (`lost` and
`duplicated` must be 0) plus `killed`, `probe` and `queue_drained_s`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

from bench.load import Target, machine, run_load, started_stack
from bot.db.inbound import InboundMessage, InboundStatus
from bot.db.session import make_engine

PROBE = ("楼道里有人拉电线给电瓶车充电，太危险了", "和顺社区3栋2单元楼道", "13812345678", "/affirm")


def engine_pid(port: int) -> int:
    """The engine replica listening on `port` (its command line names the port)."""
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"jiamenkou_engine.launch" in args and str(port).encode() in args:
            return int(proc.name)
    raise SystemExit(f"no engine replica found on port {port}")


async def probe(target: Target) -> dict[str, Any]:
    """A report through nginx's REST channel: which replica served each turn, and whether the
    form reached its ticket."""
    who = f"terminal:chaos{uuid.uuid4().hex[:10]}"
    served: list[str] = []
    answers: list[str] = []
    async with httpx.AsyncClient(
        base_url=target.engine_url,
        headers={"Authorization": f"Bearer {target.token}"},
        timeout=60,
    ) as http:
        for message in PROBE:
            response = await http.post(
                "/webhooks/rest/webhook", json={"sender": who, "message": message}
            )
            served.append(response.headers.get("X-Upstream", "?").split(", ")[-1])
            if response.status_code == 200:
                answers.append("\n".join(str(m.get("text") or "") for m in response.json()))
            else:
                answers.append(f"HTTP {response.status_code}")
    return {"served_by": served, "ticket_filed": "GD" in answers[-1], "answers": len(answers)}


def user_events_since(database_url: str, since: float) -> int:
    """User messages in the record of the senders this run made (Rasa's `events` table in
    the same database): against residents × 8 it counts turns processed twice or never,
    whatever text the engine was given (a typed `1` whose button was never shown)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT count(*) FROM events WHERE type_name = 'user' AND sender_id IN "
                    "(SELECT sender_id FROM events WHERE sender_id LIKE 'wechat:bench%' "
                    "GROUP BY sender_id HAVING min(timestamp) >= :since)"
                ),
                {"since": since},
            ).scalar_one()
        return int(rows)
    finally:
        engine.dispose()


def waiting_messages(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                select(func.count()).where(
                    InboundMessage.status.in_((InboundStatus.QUEUED, InboundStatus.PROCESSING))
                )
            ).scalar_one()
        return int(count)
    finally:
        engine.dispose()


async def chaos(target: Target, args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    report: dict[str, Any] = {}
    started = time.perf_counter()
    started_at = time.time()

    async def during() -> None:
        await asyncio.sleep(args.kill_after)
        port = int(target.engine_url.rsplit(":", 1)[1]) + 1  # replica 1 of `up --replicas`
        pid = engine_pid(port)
        os.kill(pid, signal.SIGKILL)
        # The probe starts once the replica is gone: a turn reaching it while it dies gets a
        # 502, which the REST probe (no bridge) would count as its own failure.
        while Path(f"/proc/{pid}").exists():
            await asyncio.sleep(0.05)
        report["killed"] = f"127.0.0.1:{port}"
        report["killed_at_s"] = round(time.perf_counter() - started, 1)
        report["probe"] = await probe(target)
        await asyncio.sleep(max(0.0, started + args.seconds - time.perf_counter()))
        # Messages queued at the kill are answered by the retry loop: wait until none waits
        # for a while (conversations still running answer straight away).
        quiet_since: float | None = None
        drain_started = time.perf_counter()
        while time.perf_counter() - drain_started < args.drain_timeout:
            waiting = await asyncio.to_thread(waiting_messages, database_url)
            now = time.perf_counter()
            if waiting:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since > 5:
                break
            await asyncio.sleep(0.5)
        report["queue_drained_s"] = round(time.perf_counter() - drain_started, 1)
        report["still_queued"] = await asyncio.to_thread(waiting_messages, database_url)

    result = await run_load(
        target,
        rate=args.rate,
        seconds=args.seconds,
        channel="wechat",
        think_ms=args.think_ms,
        timeout_s=60.0,
        during=during,
    )
    recorded = await asyncio.to_thread(user_events_since, database_url, started_at - 1)
    report["record_user_events"] = recorded
    report["expected_user_events"] = result["residents"] * 8
    return {**result, **report}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=6.0, help="turns per second (arrivals)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long residents arrive")
    parser.add_argument("--kill-after", type=float, default=20.0, help="seconds into the load")
    parser.add_argument("--think-ms", type=float, default=500.0)
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not (database_url.startswith("postgresql") and os.environ.get("REDIS_URL")):
        parser.error("two replicas share the record: set DATABASE_URL (PostgreSQL) and REDIS_URL")
    # The web service retries what it queued every 2 s (default 10 s): a short run drains.
    extra = {"JIAMENKOU_INBOUND_RETRY": "2", "JIAMENKOU_READY_TIMEOUT": "900"}
    with started_stack(channel="wechat", replicas=2, extra_env=extra) as target:
        result = asyncio.run(chaos(target, args, database_url))
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["machine"] = machine()
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
