"""Load test: simulated residents arriving at a given rate, each holding an eight-turn
conversation through the engine's REST channel or the web service's WeChat endpoint.

Run: .venv/bin/python -m bench.load --rate R --seconds S [--replicas N] [--channel rest|wechat]
     [--url ENGINE_URL] [--model PATH] [--find-saturation]

Arrivals are open-loop: new residents (each a fresh sender) start at Poisson times so that the
aggregate turn rate is R, whatever the stack's latency; inside a conversation a resident waits
for each answer and then "thinks" (exponential, `--think-ms`) before the next message. After
the run every sender's tracker is read back through the engine's HTTP API (token required) and
compared with what was sent: a message missing there is `lost`, one recorded twice is
`duplicated`. Prints one JSON line: `rate`, `turns_per_s`, `p50_ms`, `p95_ms`, `p99_ms`,
`errors`, `lost`, `duplicated`, `replicas` and more.

Without `--url` the script starts the stack itself on free loopback ports (the project's
`EngineStack`; the web service too for `--channel wechat`), on `DATABASE_URL`/`REDIS_URL` when
set (PostgreSQL tracker store + Redis lock store) or else on a throwaway SQLite database with
the sample registry. `--replicas N` with N > 1 runs `jiamenkou up --replicas N` instead.
`run_load` is the importable core (the chaos run reuses it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote
from xml.etree import ElementTree

import httpx
from sqlalchemy import select

from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.db.sites import Site
from bot.engine.ports import free_port
from bot.engine.processes import ChildSpec, EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import current_model, prepare_training_data
from bot.engine.training_vocabulary import training_vocabulary
from bot.sites.coords import wgs84_to_gcj02
from bot.sites.sample import load_sample
from bot.vocabulary import load_vocabulary

Channel = Literal["rest", "wechat"]
ROOT = Path(__file__).resolve().parent.parent
TICKET = re.compile(r"GD\d{6}")
WECHAT_ACCOUNT = "gh_0000bench000"


# --- the conversations ----------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One message of a resident: typed text (`{ticket}` is the number filed earlier), a shared
    location (near `site`), or a button (its payload on REST, its number on WeChat)."""

    kind: Literal["text", "location", "button"]
    text: str = ""
    button: int = 1  # 1-based position among the buttons (WeChat shows numbered choices)

    def key(self) -> str:
        """What the tracker shows for this message (the comparison key for lost/duplicated)."""
        return "/share_location" if self.kind == "location" else self.text


def text(t: str) -> Step:
    return Step("text", t)


LOCATION = Step("location")
CONFIRM = Step("button", "/affirm", 1)  # 确认提交 is the summary's first button

# Eight turns each, in the words the assistant understands today (tests/e2e): find a site and
# share a location, report a problem through the form, check the ticket.
CONVERSATIONS: dict[str, tuple[Step, ...]] = {
    "find_site": (
        text("你好"), text("附近有没有党群服务站"), LOCATION, text("那它几点关门"),
        text("哪里能给电瓶车充电"), LOCATION, text("好的谢谢"), text("再见"),
    ),
    "report_and_check": (
        text("你好"), text("楼道灯不亮快一个礼拜了"), text("城北社区9栋楼道"),
        text("13812345678"), CONFIRM, text("查一下{ticket}的进度"), text("谢谢"), text("再见"),
    ),
    "site_then_report": (
        text("最近的党群服务站在哪里"), LOCATION, text("垃圾桶满了好几天都没人来清"),
        LOCATION, text("不用了"), CONFIRM, text("查一下{ticket}"), text("再见"),
    ),
}  # fmt: skip


# --- transports -----------------------------------------------------------------------------
@dataclass
class Target:
    """A running stack: the engine (REST channel + HTTP API) and, for WeChat, the web service."""

    engine_url: str
    token: str
    wechat_url: str | None = None
    wechat_token: str | None = None
    sites: list[tuple[float, float]] = field(default_factory=list)  # WGS-84 points
    replicas: int = 1
    pids: dict[str, int] = field(default_factory=dict)  # a stack this script started


@dataclass
class Turn:
    ok: bool
    ms: float
    reply: str


class Transport:
    channel: Channel

    def sender_id(self, user: str) -> str:
        raise NotImplementedError

    async def send(self, user: str, step: Step, words: str, point: tuple[float, float]) -> Turn:
        raise NotImplementedError


class RestTransport(Transport):
    """The REST channel as a bridge speaks it (bearer token, one pooled client)."""

    channel: Channel = "rest"

    def __init__(self, http: httpx.AsyncClient, target: Target) -> None:
        self._http = http
        self._target = target

    def sender_id(self, user: str) -> str:
        return f"rest:{user}"

    async def send(self, user: str, step: Step, words: str, point: tuple[float, float]) -> Turn:
        if step.kind == "location":
            words = "/share_location" + json.dumps({"latitude": point[0], "longitude": point[1]})
        started = time.perf_counter()
        response = await self._http.post(
            f"{self._target.engine_url}/webhooks/rest/webhook",
            json={"sender": self.sender_id(user), "message": words},
            headers={"Authorization": f"Bearer {self._target.token}"},
        )
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return Turn(False, ms, "")
        answer = "\n".join(str(m.get("text") or "") for m in response.json())
        return Turn(True, ms, answer)


class WeChatTransport(Transport):
    """WeChat's side of a callback: signed URL, message XML (plain mode), a MsgId per message."""

    channel: Channel = "wechat"

    def __init__(self, http: httpx.AsyncClient, target: Target) -> None:
        assert target.wechat_url and target.wechat_token
        self._http = http
        self._url = f"{target.wechat_url}/wechat"
        self._token = target.wechat_token

    def sender_id(self, user: str) -> str:
        return f"wechat:{user}"

    def _query(self) -> dict[str, str]:
        stamp, nonce = str(int(time.time())), secrets.token_hex(8)
        sig = hashlib.sha1("".join(sorted([self._token, stamp, nonce])).encode()).hexdigest()
        return {"signature": sig, "timestamp": stamp, "nonce": nonce}

    async def send(self, user: str, step: Step, words: str, point: tuple[float, float]) -> Turn:
        fields: dict[str, str]
        if step.kind == "location":
            lat, lon = wgs84_to_gcj02(*point)  # what a phone in China reports
            fields = {"MsgType": "location", "Location_X": f"{lat:.6f}",
                      "Location_Y": f"{lon:.6f}", "Scale": "16", "Label": ""}  # fmt: skip
        else:
            typed = str(step.button) if step.kind == "button" else words
            fields = {"MsgType": "text", "Content": typed}
        body = _message_xml(user, fields)
        started = time.perf_counter()
        response = await self._http.post(self._url, params=self._query(), content=body)
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return Turn(False, ms, "")
        if response.text == "success":  # slower than the passive window: answered later
            return Turn(True, ms, "")
        content = ElementTree.fromstring(response.text).findtext("Content") or ""
        return Turn(True, ms, content)


def _message_xml(user: str, fields: dict[str, str]) -> str:
    parts = [
        f"<ToUserName><![CDATA[{WECHAT_ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{user}]]></FromUserName>",
        f"<CreateTime>{int(time.time())}</CreateTime>",
    ]
    parts += [f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()]
    parts.append(f"<MsgId>{random.getrandbits(62)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


# --- the run --------------------------------------------------------------------------------
@dataclass
class Resident:
    user: str
    script: str
    sent: Counter[str] = field(default_factory=Counter)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    # (completion time, latency) of each answered turn, for turns/s inside the window
    done_at: list[float] = field(default_factory=list)
    errors: int = 0
    misses: int = 0  # an expected ticket number never came (the conversation went elsewhere)
    residents: list[Resident] = field(default_factory=list)


async def _converse(
    transport: Transport,
    resident: Resident,
    point: tuple[float, float],
    tally: Tally,
    *,
    think_s: float,
    rng: random.Random,
) -> None:
    ticket = "GD000000"
    for step in CONVERSATIONS[resident.script]:
        words = step.text.replace("{ticket}", ticket)
        resident.sent[step.key().replace("{ticket}", ticket)] += 1
        try:
            turn = await transport.send(resident.user, step, words, point)
        except httpx.HTTPError:
            tally.errors += 1
            continue
        if not turn.ok:
            tally.errors += 1
            continue
        tally.latencies_ms.append(turn.ms)
        tally.done_at.append(time.perf_counter())
        if step is CONFIRM:
            found = TICKET.search(turn.reply)
            if found:
                ticket = found.group(0)
            else:
                tally.misses += 1
        if think_s > 0:
            await asyncio.sleep(rng.expovariate(1 / think_s))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stack_processes(root_pid: int) -> dict[str, int]:
    """The processes `jiamenkou up` started (its descendants), named by what they run, so a
    replicated stack's CPU per turn counts every engine, action server, web process and nginx."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        commands[int(entry.name)] = command
    found: list[int] = []
    frontier = [root_pid]
    while frontier:
        parent = frontier.pop()
        children = sorted(pid for pid, ppid in parents.items() if ppid == parent)
        found += children
        frontier += children
    roles = (("jiamenkou_engine.launch", "engine"), ("action_server", "action server"),
             ("actions", "action server"), ("nginx", "balancer"), (" serve", "web"))  # fmt: skip
    named: dict[str, int] = {"supervisor": root_pid}
    counts: Counter[str] = Counter()
    for pid in found:
        role = next((r for needle, r in roles if needle in commands[pid]), None)
        if role is None:
            continue
        counts[role] += 1
        named[f"{role} {counts[role]}"] = pid
    return named


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def check_record(
    http: httpx.AsyncClient, target: Target, transport: Transport, residents: list[Resident]
) -> tuple[int, int]:
    """(lost, duplicated): each sender's user messages in the tracker against what was sent."""
    lost = duplicated = 0
    gate = asyncio.Semaphore(8)

    async def one(resident: Resident) -> tuple[int, int]:
        sender = transport.sender_id(resident.user)
        # Sanic does not decode %3A in a path parameter: keep ":" as it is.
        url = f"{target.engine_url}/conversations/{quote(sender, safe=':')}/tracker"
        async with gate:
            response = await http.get(url, params={"token": target.token, "include_events": "ALL"})
        response.raise_for_status()
        seen: Counter[str] = Counter()
        for event in response.json().get("events") or []:
            if event.get("event") == "user":
                said = str(event.get("text") or "")
                seen["/share_location" if said.startswith("/share_location") else said] += 1
        missing = sum(max(0, n - seen[k]) for k, n in resident.sent.items())
        extra = sum(max(0, seen[k] - resident.sent[k]) for k in seen)
        return missing, extra

    for missing, extra in await asyncio.gather(*(one(r) for r in residents)):
        lost += missing
        duplicated += extra
    return lost, duplicated


async def run_load(
    target: Target,
    *,
    rate: float,
    seconds: float,
    channel: Channel = "rest",
    think_ms: float = 500.0,
    timeout_s: float = 30.0,
    seed: int | None = None,
    check: bool = True,
    during: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> dict[str, Any]:
    """Residents arrive for `seconds` at rate/8 per second (8 turns each, so `rate` turns/s),
    then the run waits for the last conversations to end and checks the record. `during` is
    awaited alongside the arrivals (the chaos run kills a replica there)."""
    rng = random.Random(seed)
    turns_per_resident = 8
    scripts = sorted(CONVERSATIONS)
    points = target.sites or [(31.08, 118.32)]
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
    tally = Tally()
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as http:
        transport: Transport = (
            RestTransport(http, target) if channel == "rest" else WeChatTransport(http, target)
        )
        tasks: list[asyncio.Task[None]] = []
        side = asyncio.create_task(during()) if during is not None else None
        cpu_before = {name: cpu_seconds(pid) for name, pid in target.pids.items()}
        started = time.perf_counter()
        deadline = started + seconds
        next_at = started
        while True:
            next_at += rng.expovariate(rate / turns_per_resident)
            if next_at >= deadline:
                break
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            resident = Resident(f"bench{uuid.uuid4().hex[:16]}", rng.choice(scripts))
            tally.residents.append(resident)
            lat, lon = rng.choice(points)
            point = (lat + rng.uniform(-0.001, 0.001), lon + rng.uniform(-0.001, 0.001))
            tasks.append(
                asyncio.create_task(
                    _converse(transport, resident, point, tally, think_s=think_ms / 1000, rng=rng)
                )
            )
        await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
        in_window = sum(1 for t in tally.done_at if t <= deadline)
        await asyncio.gather(*tasks)
        if side is not None:
            await side
        elapsed = time.perf_counter() - started
        cpu = {n: cpu_seconds(pid) - cpu_before[n] for n, pid in target.pids.items()}
        lost = duplicated = None
        if check:
            await asyncio.sleep(1.0)  # a WeChat turn past the passive window is still running
            lost, duplicated = await check_record(http, target, transport, tally.residents)
    lat_ms = tally.latencies_ms
    # CPU milliseconds the stack's processes spent per answered turn: on a shared machine the
    # share of the cores a run gets moves, the work a turn costs much less.
    cpu_ms = {f"cpu_ms_per_turn_{n.replace(' ', '_')}": round(c * 1000 / max(1, len(lat_ms)), 1)
              for n, c in cpu.items()}  # fmt: skip
    if cpu:
        cpu_ms["cpu_ms_per_turn"] = round(sum(cpu.values()) * 1000 / max(1, len(lat_ms)), 1)
    return {
        **cpu_ms,
        "rate": rate,
        "turns_per_s": round(in_window / seconds, 2),
        "p50_ms": round(percentile(lat_ms, 0.50), 1),
        "p95_ms": round(percentile(lat_ms, 0.95), 1),
        "p99_ms": round(percentile(lat_ms, 0.99), 1),
        "errors": tally.errors,
        "lost": lost,
        "duplicated": duplicated,
        "replicas": target.replicas,
        "channel": channel,
        "seconds": seconds,
        "residents": len(tally.residents),
        "turns": len(lat_ms),
        "turns_total_per_s": round(len(lat_ms) / elapsed, 2),
        "script_misses": tally.misses,
        "think_ms": think_ms,
    }


STEP_FIELDS = (
    "rate", "offered_turns_per_s", "turns_per_s", "kept_up", "p50_ms", "p95_ms", "p99_ms",
    "errors", "cpu_ms_per_turn",
)  # fmt: skip


async def find_saturation(
    target: Target,
    *,
    channel: Channel,
    seconds: float,
    start: float,
    factor: float,
    think_ms: float,
    max_p95_ms: float,
    say: Callable[[dict[str, Any]], None] = lambda _r: None,
) -> dict[str, Any]:
    """Steps the rate up by `factor` until the stack cannot keep up: p95 above `max_p95_ms`
    (with open-loop arrivals, a stack that falls behind queues turns and its latency grows
    through the step) or more than 1 % errors. A step it kept up with answered every turn
    offered, so its throughput is the offered rate: the turns of the residents who arrived in
    the step, per second (Poisson arrivals scatter it around `rate`). Counting only turns
    finished inside the step would under-count a stack that keeps up, by the conversations
    still under way at its end. The saturation figure is the highest such rate.

    A 20 s step can hide a backlog that has only begun to grow (p95 still under the limit while
    the stack answers a quarter fewer turns than arrive), so the throughput it actually served
    is reported too: `served_turns_per_s`, the most turns finished inside any one step per
    second (the plateau once the stack is saturated; a conservative figure below it, since the
    conversations under way at a step's end are not counted). Plan capacity on that one."""
    steps: list[dict[str, Any]] = []
    rate = start
    while True:
        result = await run_load(target, rate=rate, seconds=seconds, channel=channel,
                                think_ms=think_ms, check=False)  # fmt: skip
        result["offered_turns_per_s"] = round(result["residents"] * 8 / seconds, 2)
        result["kept_up"] = result["p95_ms"] <= max_p95_ms and result["errors"] <= 0.01 * max(
            1, result["turns"]
        )
        say(result)
        steps.append(result)
        if not result["kept_up"]:
            break
        rate = round(rate * factor, 1)
    kept_up = [r for r in steps if r["kept_up"]]
    best = max(kept_up, key=lambda r: r["offered_turns_per_s"]) if kept_up else None
    return {
        "saturation_turns_per_s": best["offered_turns_per_s"] if best else 0.0,
        "saturation_rate": best["rate"] if best else None,
        "saturation_p95_ms": best["p95_ms"] if best else None,
        "served_turns_per_s": max(s["turns_per_s"] for s in steps),
        "replicas": target.replicas,
        "channel": channel,
        "steps": [{k: s[k] for k in STEP_FIELDS if k in s} for s in steps],
    }


# --- starting the stack ---------------------------------------------------------------------
# Alembic keeps its migration context in module state: two stacks started from two threads
# (bench.side_by_side) migrate one after the other.
_MIGRATING = threading.Lock()


def _registry_points(database_url: str, vocabulary_file: Path) -> list[tuple[float, float]]:
    """The registry's sites (the sample one loaded first when the database has none)."""
    engine = make_engine(database_url)
    try:
        with _MIGRATING:
            upgrade_to_head(engine)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            if session.scalar(select(Site.id).limit(1)) is None:
                load_sample(session=session, vocabulary=load_vocabulary(vocabulary_file))
        with factory() as session:
            return [(lat, lon) for lat, lon in session.execute(select(Site.lat, Site.lon))]
    finally:
        engine.dispose()


@contextlib.contextmanager
def started_stack(
    *,
    channel: Channel,
    replicas: int = 1,
    model: Path | None = None,
    extra_env: dict[str, str] | None = None,
    work: Path | None = None,
    prepare: bool = True,
    root: Path = ROOT,
    database_url: str | None = None,
) -> Iterator[Target]:
    """Starts engine + action server (+ web service for WeChat) and yields where they answer.

    The databases come from `database_url` or DATABASE_URL / TRACKER_DATABASE_URL / REDIS_URL;
    otherwise a throwaway SQLite database under `work` with the sample registry. `root` is the
    checkout whose engine, action server and model are run (bench.side_by_side's baseline).
    """
    work = work or Path(tempfile.mkdtemp(prefix="jiamenkou-load-"))
    database_url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'load.db'}"
    settings = Settings(JIAMENKOU_HOME=root, DATABASE_URL=database_url)
    points = _registry_points(settings.effective_database_url, settings.vocabulary_file)
    project = RasaProject.from_settings(settings)
    if prepare:  # the engine reads the generated jieba dictionary (build/)
        prepare_training_data(project, training_vocabulary(settings))
    token = secrets.token_urlsafe(24)
    wechat_token = secrets.token_urlsafe(16)
    engine_port, action_port, web_port = free_port(), free_port(), free_port()
    env = {
        "DATABASE_URL": database_url,
        "RASA_PORT": str(engine_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "RASA_TOKEN": token,
        "WECHAT_TOKEN": wechat_token,
        # A resident of the benchmark sends 8 messages in well under a minute.
        "JIAMENKOU_RATE_LIMIT_MESSAGES": "1000",
        "JIAMENKOU_CONVERSATION_ID_SECRET": "bench",
        **(extra_env or {}),
    }
    web_url = f"http://127.0.0.1:{web_port}"
    if replicas > 1:
        yield from _replicated(env, replicas, token, wechat_token, web_url, points, work)
        return
    cli = str(Path(sys.executable).parent / "jiamenkou")
    children = []
    if channel == "wechat":
        children.append(
            ChildSpec(
                "web",
                [cli, "serve", "--port", str(web_port)],
                web_port,
                "WEB_PORT",
                f"{web_url}/healthz",
            )
        )
    config = StackConfig(
        project=project,
        model=model or current_model(project),
        host="127.0.0.1",
        engine_port=engine_port,
        action_port=action_port,
        token=token,
        log_dir=work / "logs",
        ready_timeout_s=1800.0,  # a shared, loaded machine has taken over 10 minutes
        extra_env=env,
        extra_children=children,
        tracker_url=settings.effective_tracker_database_url,
        redis_url=settings.redis_url,
    )
    with EngineStack(config) as stack:
        yield Target(
            engine_url=stack.config.engine_url,
            token=token,
            wechat_url=web_url if channel == "wechat" else None,
            wechat_token=wechat_token,
            sites=points,
            pids={n: p for n in stack.names() if (p := stack.pid(n)) is not None},
        )


def _replicated(
    env: dict[str, str],
    replicas: int,
    token: str,
    wechat_token: str,
    web_url: str,
    points: list[tuple[float, float]],
    work: Path,
) -> Iterator[Target]:
    """`jiamenkou up --replicas N`: N engines behind the project's load balancer, which
    answers where the app expects the engine (RASA_PORT)."""
    cli = str(Path(sys.executable).parent / "jiamenkou")
    log = (work / "up.log").open("wb")
    proc = subprocess.Popen(
        [cli, "up", "--no-train", "--replicas", str(replicas)], cwd=ROOT,
        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    engine_url = f"http://127.0.0.1:{env['RASA_PORT']}"
    try:
        deadline = time.monotonic() + 900
        with httpx.Client(timeout=2) as http:
            while True:
                if proc.poll() is not None:
                    tail = (work / "up.log").read_text(errors="replace")[-1500:]
                    raise SystemExit(
                        f"`jiamenkou up --replicas {replicas}` exited ({proc.returncode}); "
                        "several replicas need the replicas support of `jiamenkou up` "
                        f"(branch scale). Its output:\n{tail}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    up = http.get(f"{engine_url}/status", params={"token": token})
                    web = http.get(f"{web_url}/healthz")
                    if up.status_code == 200 and web.status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"the replicated stack was not ready; see {work / 'up.log'}")
                time.sleep(1)
        yield Target(
            engine_url, token, web_url, wechat_token, points, replicas, stack_processes(proc.pid)
        )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"load {load[0]:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rate", type=float, default=10.0, help="turns per second (arrivals)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long residents arrive")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--channel", choices=("rest", "wechat"), default="rest")
    parser.add_argument("--url", help="a running engine (REST channel + API); no stack started")
    parser.add_argument("--wechat-url", help="with --url: the running web service")
    parser.add_argument("--token", help="with --url: the engine token (default: RASA_TOKEN)")
    parser.add_argument("--model", type=Path, help="model archive to serve (default: current)")
    parser.add_argument("--think-ms", type=float, default=500.0,
                        help="mean pause of a resident between an answer and the next message")  # fmt: skip
    parser.add_argument("--find-saturation", action="store_true",
                        help="step the rate up from --rate until the stack cannot keep up")  # fmt: skip
    parser.add_argument("--factor", type=float, default=1.4, help="rate step of --find-saturation")
    parser.add_argument("--max-p95-ms", type=float, default=1000.0)
    args = parser.parse_args(argv)
    channel: Channel = args.channel

    async def work(target: Target) -> dict[str, Any]:
        if args.find_saturation:
            return await find_saturation(
                target, channel=channel, seconds=args.seconds, start=args.rate,
                factor=args.factor, think_ms=args.think_ms, max_p95_ms=args.max_p95_ms,
                say=lambda r: print(json.dumps(r), file=sys.stderr, flush=True),
            )  # fmt: skip
        return await run_load(target, rate=args.rate, seconds=args.seconds, channel=channel,
                              think_ms=args.think_ms)  # fmt: skip

    if args.url:
        settings = Settings()
        target = Target(
            engine_url=args.url.rstrip("/"),
            token=args.token or settings.engine_token,
            wechat_url=(args.wechat_url or "").rstrip("/") or None,
            wechat_token=settings.wechat_token,
            sites=_registry_points(settings.effective_database_url, settings.vocabulary_file),
            replicas=args.replicas,
        )
        if channel == "wechat" and not (target.wechat_url and target.wechat_token):
            parser.error("--channel wechat with --url needs --wechat-url and WECHAT_TOKEN")
        result = asyncio.run(work(target))
    else:
        with started_stack(channel=channel, replicas=args.replicas, model=args.model) as target:
            result = asyncio.run(work(target))
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["machine"] = machine()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
