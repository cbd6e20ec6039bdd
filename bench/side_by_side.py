"""Today's baseline against the current configuration, on the same machine in one run.

Run: .venv/bin/python -m bench.side_by_side [--rounds 2] [--step-seconds 15] [--channel rest]

Baseline: the code of `--baseline-ref` (default: the commit before the per-core work),
exported into a folder of its own that uses this checkout's two environments, so its engine
launcher, action server and domain code run as they were; its model is trained once from
`bench/baseline/config.yml` (that commit's engine/config.yml) into models/baseline/, and
`JIAMENKOU_ACTION_POOL=0` is set too. Only the action server's entry point is this
checkout's (see `baseline_checkout`). New: this checkout, its current model. Both stacks run at once on their own ports and databases and are
measured in turns, baseline then new, `--rounds` times: the saturation rate of the load
test's conversation mix (`bench.load.find_saturation`), then each at half the new
saturation... and the held-out NLU scores of both models. Prints one JSON object and appends
it, dated, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from bench.load import Channel, Target, find_saturation, machine, run_load, started_stack
from bot.config import Settings
from bot.engine.environment import engine_env
from bot.engine.project import RasaProject
from bot.engine.training import current_model, prepare_training_data
from bot.engine.training_vocabulary import training_vocabulary
from bot.nlu.evaluate import evaluate_file

ROOT = Path(__file__).resolve().parent.parent
BASELINE_CONFIG = ROOT / "bench" / "baseline" / "config.yml"
BASELINE_MODEL = ROOT / "models" / "baseline" / "jiamenkou-baseline.tar.gz"
RESULTS = ROOT / "bench" / "RESULTS.md"


BASELINE_REF = "748c93c"  # main before issue 14's per-core work


def baseline_checkout(ref: str) -> Path:
    """`ref`'s files (git archive) beside this checkout's environments, made once."""
    target = ROOT / "models" / "baseline" / f"checkout-{ref}"
    if not (target / "bot").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # The one file taken from this checkout: the action server's entry point in Sanic's
    # single-process mode. The old one's worker manager gives the worker 30 s to start and
    # kills the server on a loaded machine; the actions and domain code stay the baseline's.
    shutil.copyfile(ROOT / "bot" / "action_server.py", target / "bot" / "action_server.py")
    for env in (".venv-engine", "models"):
        link = target / env
        if env == "models":
            link.mkdir(exist_ok=True)
        elif not link.exists():
            link.symlink_to(ROOT / env)
    return target


def baseline_model(project: RasaProject) -> Path:
    """The baseline configuration's model (trained on today's data the first time)."""
    if BASELINE_MODEL.exists():
        return BASELINE_MODEL
    BASELINE_MODEL.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(project.engine_bin / "python"), "-m", "jiamenkou_engine.train",
         "--config", str(BASELINE_CONFIG), "--domain", str(project.domain),
         "--data", *(str(d) for d in project.data_dirs if d.is_dir()),
         "--out", str(BASELINE_MODEL.parent), "--fixed-model-name", "jiamenkou-baseline"],
        cwd=project.root, env=engine_env(project), check=True,
    )  # fmt: skip
    return BASELINE_MODEL


def fresh_databases(url: str, names: list[str]) -> dict[str, str]:
    """An empty PostgreSQL database per stack (their schemas are at different migrations)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    urls = {}
    with admin.connect() as connection:
        for name in names:
            database = f"jiamenkou_bench_{name}"
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
            urls[name] = make_url(url).set(database=database).render_as_string(hide_password=False)
    admin.dispose()
    return urls


def progress(name: str, step: dict[str, Any]) -> None:
    print(name, json.dumps(step), file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--step-seconds", type=float, default=15.0)
    parser.add_argument("--half-seconds", type=float, default=30.0)
    parser.add_argument("--start-rate", type=float, default=8.0)
    parser.add_argument("--factor", type=float, default=1.2, help="rate step of the search")
    parser.add_argument("--channel", choices=("rest", "wechat"), default="rest")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--cpu-rate", type=float, default=3.0)
    parser.add_argument("--cpu-seconds", type=float, default=20.0)
    parser.add_argument(
        "--skip-saturation", action="store_true", help="only CPU per turn (a loaded machine)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run both stacks on PostgreSQL (a fresh database each, made through URL) "
        "instead of SQLite; with REDIS_URL set, both use Redis's lock store",
    )
    parser.add_argument(
        "--new-replicas",
        type=int,
        default=1,
        help="the new configuration as N engines behind nginx (`jiamenkou up --replicas N`; "
        "needs --postgres and REDIS_URL)",
    )
    args = parser.parse_args()
    if args.new_replicas > 1 and not (args.postgres and os.environ.get("REDIS_URL")):
        parser.error("--new-replicas N needs --postgres URL and REDIS_URL")
    channel: Channel = args.channel

    settings = Settings(JIAMENKOU_HOME=ROOT)
    project = RasaProject.from_settings(settings)
    prepare_training_data(project, training_vocabulary(settings))
    models = {"baseline": baseline_model(project), "new": current_model(project)}
    roots = {"baseline": baseline_checkout(args.baseline_ref), "new": ROOT}
    base_settings = Settings(JIAMENKOU_HOME=roots["baseline"])
    prepare_training_data(RasaProject.from_settings(base_settings), training_vocabulary(settings))
    envs = {"baseline": {"JIAMENKOU_ACTION_POOL": "0"}, "new": {}}
    databases = fresh_databases(args.postgres, list(models)) if args.postgres else {}
    replicas = {"baseline": 1, "new": args.new_replicas}
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine_at_start": machine(),
        "channel": channel,
        "models": {k: v.name for k, v in models.items()},
        "baseline_ref": args.baseline_ref,
        "record": "postgresql" if args.postgres else "sqlite",
        "replicas": replicas,
    }
    with contextlib.ExitStack() as stacks:
        managers = {
            name: started_stack(
                channel=channel,
                model=models[name],
                extra_env=envs[name],
                prepare=False,
                root=roots[name],
                database_url=databases.get(name),
                replicas=replicas[name],
            )
            for name in models
        }
        # Both start at once: each engine takes one to three minutes to load.
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(cm.__enter__) for name, cm in managers.items()}
            targets: dict[str, Target] = {}
            failed: BaseException | None = None
            for name, future in futures.items():
                try:
                    targets[name] = future.result()
                except BaseException as exc:  # the other stack is still stopped below
                    failed = failed or exc
                else:
                    stacks.push(managers[name].__exit__)
            if failed is not None:
                raise failed

        async def measure() -> None:
            for target in targets.values():  # warm-up: first calls build things lazily
                await run_load(target, rate=4, seconds=5, channel=channel, check=False)
            # CPU per turn, interleaved: what a turn costs the engine + action server, whatever
            # share of the cores the run gets; 1000 / it is the turns/s one core can serve.
            cpu: dict[str, list[Any]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, target in targets.items():
                    run = await run_load(
                        target, rate=args.cpu_rate, seconds=args.cpu_seconds, channel=channel
                    )
                    progress(name, run)
                    cpu[name].append(run)
            cost = {
                name: round(statistics.median(r["cpu_ms_per_turn"] for r in runs), 1)
                for name, runs in cpu.items()
            }
            result["cpu_runs"] = cpu
            result["cpu_ms_per_turn"] = cost
            result["turns_per_core_s"] = {n: round(1000 / c, 1) for n, c in cost.items()}
            result["per_core_ratio_new_to_baseline"] = round(cost["baseline"] / cost["new"], 2)
            if args.skip_saturation:
                return
            saturation: dict[str, list[float]] = {name: [] for name in targets}
            served: dict[str, list[float]] = {name: [] for name in targets}
            steps: dict[str, list[Any]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, target in targets.items():
                    found = await find_saturation(
                        target, channel=channel, seconds=args.step_seconds,
                        start=args.start_rate, factor=args.factor, think_ms=500, max_p95_ms=1000,
                        say=partial(progress, name),
                    )  # fmt: skip
                    saturation[name].append(found["saturation_turns_per_s"])
                    served[name].append(found["served_turns_per_s"])
                    steps[name].append(found["steps"])
            best = {name: max(values) for name, values in saturation.items()}
            result["saturation_turns_per_s"] = saturation
            result["saturation_best"] = best
            result["ratio_new_to_baseline"] = round(best["new"] / best["baseline"], 2)
            served_best = {name: max(values) for name, values in served.items()}
            result["served_turns_per_s"] = served
            result["served_best"] = served_best
            result["served_ratio_new_to_baseline"] = round(
                served_best["new"] / served_best["baseline"], 2
            )
            result["steps"] = steps
            # Half of each stack's saturation, by both figures: the served throughput (what
            # capacity is planned on) and the highest offered rate kept up with.
            for key, figures in (("at_half_saturation", served_best), ("at_half_offered", best)):
                at_half: dict[str, Any] = {}
                for name, target in targets.items():
                    at_half[name] = await run_load(
                        target, rate=round(figures[name] / 2, 1), seconds=args.half_seconds,
                        channel=channel,
                    )  # fmt: skip
                result[key] = at_half
            await heldout_scores()

        async def heldout_scores() -> None:
            heldout = ROOT / "tests" / "data" / "nlu_heldout.yml"
            scores = {}
            for name, target in targets.items():
                s = await evaluate_file(heldout, base_url=target.engine_url, token=target.token)
                scores[name] = {k: s[k] for k in ("n", "intent_macro_f1", "intent_accuracy")}
            result["heldout"] = scores

        asyncio.run(measure())
        if args.skip_saturation:
            asyncio.run(heldout_scores())
    result["machine_at_end"] = machine()
    line = json.dumps(result, ensure_ascii=False)
    print(line)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n- side by side ({result['date']}, {os.cpu_count()} cores): `{line}`\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
