"""What the persistent conversation record costs a turn: the same conversations through the
REST channel against an engine on Rasa's in-memory tracker store (the baseline, same run) and
one on the SQL tracker store (SQLite file, and PostgreSQL when TEST_POSTGRES_URL is set).

Run: .venv/bin/python -m bench.tracker_store [--conversations 40]
Prints one JSON object and appends a dated row to bench/RESULTS-tracker.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bot.config import Settings
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import current_model

RESULTS = Path(__file__).resolve().parent / "RESULTS-tracker.md"
# A short mix without custom actions' database work dominating: greeting, a site question, a
# thank-you, chitchat, a goodbye (eight turns).
TURNS = [
    "你好",
    "附近有没有党群服务站",
    "谢谢",
    "你是机器人吗",
    "几点下班",
    "好的",
    "谢谢你",
    "再见",
]


def measure(stack: EngineStack, conversations: int) -> dict[str, float]:
    times: list[float] = []
    url = f"{stack.config.engine_url}/webhooks/rest/webhook"
    # The REST channel takes residents' messages only from our bridges (the engine token).
    headers = {"Authorization": f"Bearer {stack.config.token}"}
    with httpx.Client(timeout=60, headers=headers) as http:
        for _ in range(3):  # warm-up
            http.post(url, json={"sender": "warm", "message": "你好"})
        for _ in range(conversations):
            sender = f"bench:{uuid.uuid4().hex[:10]}"
            for text in TURNS:
                started = time.perf_counter()
                http.post(url, json={"sender": sender, "message": text}).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "turns": len(times),
    }


def run_engine(
    project: RasaProject, work: Path, tracker_url: str | None, conversations: int
) -> dict[str, float]:
    config = StackConfig(
        project=project,
        model=current_model(project),
        host="127.0.0.1",
        engine_port=free_port(),
        action_port=free_port(),
        token="bench",
        log_dir=work / "logs",
        ready_timeout_s=600,
        extra_env={"DATABASE_URL": f"sqlite:///{work / 'app.db'}"},
        tracker_url=tracker_url,
    )
    with EngineStack(config) as stack:
        return measure(stack, conversations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=40)
    n = parser.parse_args().conversations
    project = RasaProject.from_settings(Settings())
    results: dict[str, object] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        memory = run_engine(project, work / "memory", None, n)
        sqlite = run_engine(project, work / "sqlite", f"sqlite:///{work / 'tracker.db'}", n)
        results["in_memory"] = memory
        results["sql_sqlite"] = sqlite
        results["sqlite_to_memory_p50_ratio"] = round(sqlite["p50_ms"] / memory["p50_ms"], 2)
        postgres = os.environ.get("TEST_POSTGRES_URL")
        if postgres:
            pg = run_engine(project, work / "pg", postgres, n)
            results["sql_postgresql"] = pg
            results["postgresql_to_memory_p50_ratio"] = round(pg["p50_ms"] / memory["p50_ms"], 2)
    print(json.dumps(results, ensure_ascii=False))
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(
            f"- tracker store ({results['date']}, {results['machine']}): `{json.dumps(results, ensure_ascii=False)}`\n"
        )


if __name__ == "__main__":
    main()
