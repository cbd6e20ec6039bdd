"""Engine benchmark: training time, start-to-ready, /model/parse latency and resident memory.

Run: .venv/bin/python -m bench.engine [--skip-train] [--messages 1000]
Prints one JSON object and appends a dated row to bench/RESULTS.md. Latency is also given as
a ratio to a baseline measured in the same run (GET / on the same server), because absolute
times move from run to run on shared machines.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bot.config import Settings
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import current_model, prepare_training_data
from bot.engine.training_vocabulary import training_vocabulary
from bot.nlu.evaluate import evaluate_file
from bot.nlu.reader import read_nlu_file

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def time_training(project: RasaProject) -> float:
    """A cold training run: an empty Rasa cache, so no component is reused from earlier runs."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
        env = engine_env(project, {"RASA_CACHE_DIRECTORY": cache})
        started = time.perf_counter()
        subprocess.run(
            [str(rasa_executable(project)), "train", "--config", str(project.config),
             "--domain", str(project.domain),
             "--data", *(str(d) for d in project.data_dirs if d.is_dir()),
             "--out", out, "--fixed-model-name", "bench"],
            cwd=project.root, env=env, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return time.perf_counter() - started


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the engine runs as one process)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()

    settings = Settings()
    project = RasaProject.from_settings(settings)
    prepare_training_data(project, training_vocabulary(settings))
    result: dict[str, object] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }
    if not args.skip_train:
        result["train_s"] = round(time_training(project), 1)

    texts = [e.text for f in sorted((project.root / "nlu_data").glob("*.yml"))
             for e in read_nlu_file(f, require_examples=False)]  # fmt: skip
    texts = (texts * (args.messages // max(len(texts), 1) + 1))[: args.messages]
    config = StackConfig(
        project=project, model=current_model(project), host="127.0.0.1",
        engine_port=free_port(), action_port=None, token="bench",
        log_dir=Path(tempfile.mkdtemp()), ready_timeout_s=600,
    )  # fmt: skip
    started = time.perf_counter()
    with EngineStack(config) as stack:
        result["start_to_ready_s"] = round(time.perf_counter() - started, 1)
        parse_ms: list[float] = []
        base_ms: list[float] = []
        with httpx.Client(base_url=stack.config.engine_url, timeout=30) as http:
            for text in texts[:20]:  # warm-up
                http.post("/model/parse", params={"token": "bench"}, json={"text": text})
            for text in texts:
                t0 = time.perf_counter()
                http.get("/")
                t1 = time.perf_counter()
                http.post("/model/parse", params={"token": "bench"}, json={"text": text})
                t2 = time.perf_counter()
                base_ms.append((t1 - t0) * 1000)
                parse_ms.append((t2 - t1) * 1000)
        heldout = asyncio.run(
            evaluate_file(
                project.root / "tests" / "data" / "nlu_heldout.yml",
                base_url=stack.config.engine_url,
                token="bench",
            )
        )
        result["heldout"] = {
            k: heldout[k] for k in ("n", "intent_accuracy", "intent_macro_f1", "entity_f1")
        }
        engine_pid = stack.pid("engine")
        result["engine_rss_mb"] = round(rss_mb(engine_pid), 0) if engine_pid else None
    result.update(
        messages=len(parse_ms),
        parse_p50_ms=round(statistics.median(parse_ms), 1),
        parse_p95_ms=round(percentile(parse_ms, 0.95), 1),
        baseline_get_p50_ms=round(statistics.median(base_ms), 2),
        parse_to_baseline_p50_ratio=round(
            statistics.median(parse_ms) / statistics.median(base_ms), 1
        ),
    )
    print(json.dumps(result, ensure_ascii=False))
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(
            f"\n- engine ({result['date']}, {result['machine']}): `{json.dumps(result, ensure_ascii=False)}`\n"
        )


if __name__ == "__main__":
    main()
