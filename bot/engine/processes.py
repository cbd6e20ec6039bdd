"""Starts the Rasa engine and the action server together, waits until both are ready, stops both."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from bot.engine.endpoints import write_endpoints
from bot.engine.environment import (
    ACTION_TOKEN_VARIABLE,
    ENGINE_TOKEN_VARIABLE,
    MASK_OUTPUT_VARIABLE,
    engine_env,
    rasa_executable,
)
from bot.engine.ports import port_is_free
from bot.engine.project import RasaProject
from bot.errors import EngineStartFailed, ModelMissing, PortInUse

logger = logging.getLogger(__name__)

LOCK_LIFETIME_VARIABLE = "TICKET_LOCK_LIFETIME"  # Rasa's lock store reads it at import


@dataclass(frozen=True)
class ChildSpec:
    """Another app process started beside the engine (the web service, a bridge)."""

    name: str
    command: list[str]
    port: int | None = None  # checked free before start; "<name> port"
    port_variable: str = ""
    health_url: str | None = None  # ready when it answers 200; None: ready once started


@dataclass
class StackConfig:
    project: RasaProject
    model: Path
    host: str
    engine_port: int
    action_port: int | None  # None: the engine alone (NLU evaluation needs no actions)
    token: str
    log_dir: Path
    ready_timeout_s: float = 180.0
    extra_env: dict[str, str] = field(default_factory=dict)
    extra_children: list[ChildSpec] = field(default_factory=list)
    # The conversation record (app-style SQLAlchemy URL; None: in memory, for NLU-only engines)
    # and the Redis lock store that lets several engine processes share it.
    tracker_url: str | None = None
    redis_url: str | None = None
    # Engine -> action server. Only these two processes need it: a fresh one per stack unless
    # the settings give one (an action server run elsewhere).
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # Replicas behind a load balancer (`jiamenkou up --replicas N`): the ports of the engine
    # processes and of the action servers. Empty: one engine on `engine_port`, one action
    # server on `action_port`. With replicas those two ports are the balancer's, which the
    # caller starts as one of `extra_children` (bot/engine/balancer.py).
    engine_replica_ports: list[int] = field(default_factory=list)
    action_replica_ports: list[int] = field(default_factory=list)
    # The engines' action endpoint when the action servers run elsewhere (ACTION_SERVER_URL).
    action_endpoint_url: str | None = None

    @property
    def endpoints_file(self) -> Path:
        return self.endpoints_file_for(self.engine_port)

    def endpoints_file_for(self, engine_port: int) -> Path:
        return self.log_dir.parent / "run" / f"endpoints-{engine_port}.yml"

    @property
    def engines(self) -> dict[str, int]:
        """Child name -> port of each engine process ("engine" alone, "engine 1" … behind a
        balancer)."""
        if not self.engine_replica_ports:
            return {"engine": self.engine_port}
        return {f"engine {i}": port for i, port in enumerate(self.engine_replica_ports, 1)}

    @property
    def action_servers(self) -> dict[str, int]:
        if self.action_port is None:
            return {}
        if not self.action_replica_ports:
            return {"action server": self.action_port}
        return {f"action server {i}": p for i, p in enumerate(self.action_replica_ports, 1)}

    @property
    def engine_url(self) -> str:
        return f"http://{self.host}:{self.engine_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"


class EngineStack:
    """The engine (+ action server) as child processes; use as a context manager."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, Path] = {}

    def __enter__(self) -> EngineStack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        cfg = self.config
        ports = {"RASA_PORT": cfg.engine_port}
        if cfg.action_port is not None:
            ports["ACTION_PORT"] = cfg.action_port
        for i, port in enumerate(cfg.engine_replica_ports, 1):
            ports[f"the port of engine {i} (RASA_PORT + {i})"] = port
        for i, port in enumerate(cfg.action_replica_ports, 1):
            ports[f"the port of action server {i} (ACTION_PORT + {i})"] = port
        for child in cfg.extra_children:
            if child.port is not None:
                ports[child.port_variable or f"{child.name} port"] = child.port
        seen: dict[int, str] = {}
        for variable, port in ports.items():
            if port in seen:
                raise PortInUse(f"{seen[port]} and {variable} are both {port}; give each its own")
            seen[port] = variable
        for variable, port in ports.items():
            if not port_is_free(cfg.host, port):
                raise PortInUse(
                    f"port {port} on {cfg.host} is already in use; stop the program using it "
                    f"or set {variable} to a free port"
                )
        if not cfg.model.exists():
            raise ModelMissing(f"the model {cfg.model} does not exist; run `jiamenkou train`")
        if not rasa_executable(cfg.project).exists():
            raise EngineStartFailed(
                f"the engine environment is missing ({rasa_executable(cfg.project)}); "
                "run scripts/setup.sh"
            )
        cfg.log_dir.mkdir(parents=True, exist_ok=True)
        self._write_endpoints()
        if cfg.tracker_url is not None:
            prepare_tracker_database(cfg.tracker_url)
        try:
            # All engines start at once: each takes a minute or two to load its model.
            for name in cfg.action_servers:
                self._spawn(name, self._action_command(name), self._action_env())
            for name in cfg.engines:
                self._spawn(name, self._engine_command(name), self._engine_env())
            for child in cfg.extra_children:
                self._spawn(child.name, child.command, self._app_env())
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _write_endpoints(self) -> None:
        cfg = self.config
        # Without an action server point at a closed port so a custom action fails fast
        # instead of hanging. With replicas `action_port` is the balancer's.
        port = cfg.action_port if cfg.action_port is not None else 9
        action_url = cfg.action_endpoint_url or f"http://{cfg.host}:{port}/webhook"
        for engine_port in cfg.engines.values():
            write_endpoints(
                cfg.endpoints_file_for(engine_port),
                action_url=action_url,
                tracker_url=cfg.tracker_url,
                redis_url=cfg.redis_url,
                action_token=cfg.action_token,
            )

    def restart_engine(self) -> None:
        """Kill the engine as a crash would (SIGKILL) and start it again on the same port; the
        conversation record lives in the tracker store, so conversations carry on."""
        proc = self._children.get("engine")
        if proc is not None and proc.poll() is None:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=15)
        self._spawn("engine", self._engine_command("engine"), self._engine_env())
        self._wait_until_ready()

    def _action_command(self, name: str) -> list[str]:
        # Our entry point around rasa-sdk's app: it checks the engine's token on every call.
        return [sys.executable, "-m", "bot.action_server", "--actions", "actions",
                "--port", str(self.config.action_servers[name])]  # fmt: skip

    def _action_env(self) -> dict[str, str]:
        env = self._app_env()
        env["SANIC_HOST"] = self.config.host  # rasa-sdk binds 0.0.0.0 unless told otherwise
        env["ACTION_SERVER_SANIC_WORKERS"] = "1"
        env[ACTION_TOKEN_VARIABLE] = self.config.action_token
        return env

    def _app_env(self) -> dict[str, str]:
        """The app's children (web, bridges): secrets by environment, output masked."""
        env = dict(os.environ)
        env.update(self.config.extra_env)
        env["RASA_TOKEN"] = self.config.token
        env[MASK_OUTPUT_VARIABLE] = "1"
        return env

    def _engine_command(self, name: str) -> list[str]:
        cfg = self.config
        port = cfg.engines[name]
        # `rasa run` through our launcher: it adds --auth-token from the environment inside the
        # process (not visible to `ps`) and masks everything the engine writes to its log.
        return [
            str(cfg.project.engine_bin / "python"), "-m", "jiamenkou_engine.launch", "run",
            "--enable-api",
            "--interface", cfg.host, "--port", str(port),
            "--model", str(cfg.model),
            "--endpoints", str(cfg.endpoints_file_for(port)),
            "--credentials", str(cfg.project.credentials),
        ]  # fmt: skip

    def _engine_env(self) -> dict[str, str]:
        extra = dict(self.config.extra_env)
        extra[ENGINE_TOKEN_VARIABLE] = self.config.token  # API token and REST channel secret
        if self.config.redis_url:
            # A replica killed mid-turn leaves its conversation's lock in Redis until it
            # expires (Rasa's default: 60 s); the next turn waits for it. Well under the
            # bridges' timeout (JIAMENKOU_ENGINE_TIMEOUT), so that turn is answered, not given
            # up and sent again; still far longer than any turn takes.
            extra.setdefault(LOCK_LIFETIME_VARIABLE, "20")
        return engine_env(self.config.project, extra)

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log_path = self.config.log_dir / f"{name.replace(' ', '-')}.log"
        log = log_path.open("ab")
        logger.info("starting %s (log: %s)", name, log_path)
        self._children[name] = subprocess.Popen(
            command, cwd=self.config.project.root, env=env, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        self._logs[name] = log_path

    def _wait_until_ready(self) -> None:
        cfg = self.config
        deadline = time.monotonic() + cfg.ready_timeout_s
        pending = dict.fromkeys(self._children, False)
        with httpx.Client(timeout=2.0) as client:
            while not all(pending.values()):
                for name in pending:
                    self._raise_if_exited(name)
                    if not pending[name]:
                        pending[name] = self._is_ready(client, name)
                if time.monotonic() > deadline:
                    waiting = ", ".join(n for n, ok in pending.items() if not ok)
                    raise EngineStartFailed(
                        f"{waiting} not ready after {cfg.ready_timeout_s:.0f} s; "
                        f"see the logs in {cfg.log_dir}"
                    )
                time.sleep(0.5)
        logger.info("engine ready at %s", cfg.engine_url)

    def _is_ready(self, client: httpx.Client, name: str) -> bool:
        cfg = self.config
        try:
            if name in cfg.engines:
                url = f"http://{cfg.host}:{cfg.engines[name]}/status"
                response = client.get(url, params={"token": cfg.token})
                return response.status_code == 200 and bool(response.json().get("model_file"))
            if name in cfg.action_servers:
                url = f"http://{cfg.host}:{cfg.action_servers[name]}/health"
                return client.get(url).status_code == 200
            child = next(c for c in cfg.extra_children if c.name == name)
            return child.health_url is None or client.get(child.health_url).status_code == 200
        except (httpx.HTTPError, ValueError):
            return False

    def _raise_if_exited(self, name: str) -> None:
        code = self._children[name].poll()
        if code is None:
            return
        tail = _tail(self._logs[name])
        raise EngineStartFailed(
            f"the {name} exited with code {code} while starting; last lines of "
            f"{self._logs[name]}:\n{tail}"
        )

    def pid(self, name: str) -> int | None:
        child = self._children.get(name)
        return child.pid if child else None

    def check_alive(self) -> None:
        for name in self._children:
            self._raise_if_exited(name)

    def process(self, name: str) -> tuple[list[str], dict[str, str]]:
        """Command and environment of the engine or an action server, prepared to run on its
        own (`jiamenkou engine` / `jiamenkou actions` under systemd or Docker)."""
        if name in self.config.engines:
            self._write_endpoints()
            if self.config.tracker_url is not None:
                prepare_tracker_database(self.config.tracker_url)
            return self._engine_command(name), self._engine_env()
        return self._action_command(name), self._action_env()

    # --- for the supervisor (bot/engine/supervisor.py) -----------------------------------
    def names(self) -> list[str]:
        return list(self._children)

    def exit_code(self, name: str) -> int | None:
        """None while the child runs."""
        return self._children[name].poll()

    def respawn(self, name: str) -> None:
        """Start a child that has exited again, with the command and environment it had;
        returns at once (`ready` tells when it answers)."""
        if name in self.config.engines:
            self._spawn(name, self._engine_command(name), self._engine_env())
        elif name in self.config.action_servers:
            self._spawn(name, self._action_command(name), self._action_env())
        else:
            child = next(c for c in self.config.extra_children if c.name == name)
            self._spawn(name, child.command, self._app_env())

    def ready(self, name: str) -> bool:
        with httpx.Client(timeout=2.0) as client:
            return self._is_ready(client, name)

    def log_of(self, name: str) -> Path:
        return self._logs[name]

    def stop(self) -> None:
        for proc in self._children.values():
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        for proc in self._children.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=5)
        self._children.clear()


def prepare_tracker_database(url: str) -> None:
    """An SQLite record is read by the app while the engine writes it: WAL mode (kept in the
    file) lets both work at once. PostgreSQL needs nothing."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
