"""Replicas behind nginx: the layout of `jiamenkou up --replicas N`, and `jiamenkou balancer`,
which runs the same nginx configuration in front of processes on other hosts (Docker Compose,
systemd; see deploy/)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.engine.balancer import BalancerPlan, nginx_command, render, write_config
from bot.engine.processes import ChildSpec, EngineStack, StackConfig
from bot.errors import ConfigError


@dataclass(frozen=True)
class Layout:
    """How many of each process `up` starts behind nginx."""

    replicas: int
    action_servers: int
    web_replicas: int


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "balancer",
        help="run nginx in front of engines, action servers and web processes on other hosts",
    )
    p.add_argument(
        "--engines",
        required=True,
        metavar="HOST:PORT,…",
        help="the engine replicas; nginx listens for them on RASA_PORT",
    )
    p.add_argument(
        "--action-servers",
        required=True,
        metavar="HOST:PORT,…",
        help="the action servers; nginx listens for them on ACTION_PORT",
    )
    p.add_argument(
        "--web", default="", metavar="HOST:PORT,…", help="web processes; nginx listens on WEB_PORT"
    )
    p.add_argument(
        "--telegram",
        default=None,
        metavar="HOST:PORT",
        help="the Telegram bridge in webhook mode, routed at the path of TELEGRAM_WEBHOOK_URL",
    )
    p.add_argument("--listen", default=None, help="address to listen on (default: JIAMENKOU_HOST)")
    p.add_argument("--workers", type=int, default=1, help="nginx worker processes (default 1)")
    p.add_argument(
        "--print", action="store_true", help="print the configuration instead of running nginx"
    )
    p.set_defaults(handler=cmd_balancer)

    p_engine = sub.add_parser(
        "engine", help="run one engine process in the foreground (systemd, Docker; see deploy/)"
    )
    p_engine.add_argument("--port", type=int, default=None, help="default: RASA_PORT")
    p_engine.set_defaults(handler=cmd_engine)
    p_actions = sub.add_parser(
        "actions", help="run one action server in the foreground (systemd, Docker; see deploy/)"
    )
    p_actions.add_argument("--port", type=int, default=None, help="default: ACTION_PORT")
    p_actions.set_defaults(handler=cmd_actions)


def _servers(text: str) -> list[str]:
    servers = [part.strip() for part in text.split(",") if part.strip()]
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"{server!r} is not HOST:PORT (for example engine1:5005)")
    return servers


def telegram_path(settings: Settings) -> str:
    from bot.channels.telegram.webhook import webhook_path

    if not settings.telegram_webhook_url:
        raise ConfigError("routing the Telegram webhook needs TELEGRAM_WEBHOOK_URL")
    return webhook_path(settings.telegram_webhook_url)


def cmd_balancer(args: argparse.Namespace, settings: Settings) -> int:
    webs = _servers(args.web)
    plan = BalancerPlan(
        prefix=settings.data_dir / "nginx",
        listen=args.listen or settings.host,
        engine_port=settings.engine_port,
        engines=_servers(args.engines),
        action_port=settings.action_port,
        action_servers=_servers(args.action_servers),
        web_port=settings.web_port if webs else None,
        webs=webs,
        telegram=_servers(args.telegram)[0] if args.telegram else None,
        telegram_path=telegram_path(settings) if args.telegram else "/",
        workers=max(1, args.workers),
    )
    if args.print:
        print(render(plan), end="")
        return 0
    plan.prefix.mkdir(parents=True, exist_ok=True)
    command = nginx_command(plan)
    write_config(plan)
    sys.stdout.flush()
    # nginx itself becomes this process: systemd or Docker stop and restart it directly.
    os.execv(command[0], command)


def _exec_process(settings: Settings, name: str, port: int | None) -> int:
    from bot.commands.engine import ensure_model, stack_config

    settings.check_production_secrets()
    if name == "engine":  # the model for the data as it is now (trained beforehand)
        ensure_model(settings, allow_train=False)
    config = stack_config(settings)
    if name == "engine":
        config = dataclasses.replace(
            config,
            engine_port=port or config.engine_port,
            action_endpoint_url=settings.action_server_url,
            extra_children=[],
        )
    else:
        config = dataclasses.replace(config, action_port=port or config.action_port)
    command, env = EngineStack(config).process(name)
    sys.stdout.flush()
    # The process becomes the engine (or action server) itself: systemd or Docker restart it.
    os.execve(command[0], command, env)


def cmd_engine(args: argparse.Namespace, settings: Settings) -> int:
    return _exec_process(settings, "engine", args.port)


def cmd_actions(args: argparse.Namespace, settings: Settings) -> int:
    return _exec_process(settings, "action server", args.port)


def layout_from_args(args: argparse.Namespace, settings: Settings) -> Layout | None:
    """None: the plain stack (one of each, no balancer). Several engines must share the
    record on PostgreSQL and Redis's lock store; say what is missing before starting."""
    action_servers = args.action_servers or max(1, (args.replicas + 1) // 2)
    if not (args.balancer or args.replicas > 1 or action_servers > 1 or args.web_replicas > 1):
        return None
    if args.replicas > 1:
        missing = []
        tracker = make_url(settings.effective_tracker_database_url).get_backend_name()
        if tracker != "postgresql":
            missing.append(
                "DATABASE_URL (or TRACKER_DATABASE_URL) to a PostgreSQL database, e.g. "
                "postgresql+psycopg://jiamenkou@127.0.0.1/jiamenkou, so every replica reads "
                f"and writes the same conversation record (now: {tracker})"
            )
        if not settings.redis_url:
            missing.append(
                "REDIS_URL, e.g. redis://127.0.0.1:6379/0, for Rasa's lock store, which keeps "
                "one resident's messages in order across replicas"
            )
        if missing:
            raise ConfigError(
                f"{args.replicas} engine replicas need a shared conversation record; please set "
                + "; and ".join(missing)
                + ". With one engine, leave out --replicas."
            )
    return Layout(args.replicas, action_servers, args.web_replicas)


def replicate(config: StackConfig, settings: Settings, layout: Layout) -> StackConfig:
    """`config` with its engine and action server replicated behind nginx: nginx keeps the
    public ports (RASA_PORT, ACTION_PORT, WEB_PORT), replica i listens on that port + i."""
    host = config.host
    assert config.action_port is not None
    engine_ports = [config.engine_port + i for i in range(1, layout.replicas + 1)]
    action_ports = [config.action_port + i for i in range(1, layout.action_servers + 1)]
    web_ports = [settings.web_port + i for i in range(1, layout.web_replicas + 1)]
    cli = str(Path(sys.executable).parent / "jiamenkou")
    children = [
        ChildSpec(
            "web" if layout.web_replicas == 1 else f"web {i}",
            [cli, "serve", "--port", str(port)],
            port,
            f"WEB_PORT (+ {i} for web process {i})",
            f"http://{host}:{port}/healthz",
        )
        for i, port in enumerate(web_ports, 1)
    ]
    telegram: str | None = None
    if settings.telegram_bot_token:
        children.append(ChildSpec("telegram", [cli, "telegram"]))
        if settings.telegram_webhook_url:
            telegram = f"{host}:{settings.telegram_webhook_port}"
    plan = BalancerPlan(
        prefix=settings.data_dir / "nginx",
        listen=host,
        engine_port=config.engine_port,
        engines=[f"{host}:{port}" for port in engine_ports],
        action_port=config.action_port,
        action_servers=[f"{host}:{port}" for port in action_ports],
        web_port=settings.web_port,
        webs=[f"{host}:{port}" for port in web_ports],
        telegram=telegram,
        telegram_path=telegram_path(settings) if telegram else "/",
    )
    command = nginx_command(plan)  # a missing nginx is said before anything starts
    write_config(plan)
    children.append(ChildSpec("balancer", command, settings.web_port, "WEB_PORT", plan.health_url))
    return dataclasses.replace(
        config,
        engine_replica_ports=engine_ports,
        action_replica_ports=action_ports,
        extra_children=children,
    )
