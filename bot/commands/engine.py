"""`jiamenkou train`, `jiamenkou up` and `jiamenkou chat`: the engine's life cycle."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from bot.channels.forget import record_eraser
from bot.channels.terminal import chat
from bot.commands.balancer import Layout, layout_from_args, replicate
from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.engine.client import BotMessage, Button, EngineClient
from bot.engine.processes import ChildSpec, EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.supervisor import Supervisor
from bot.engine.training import current_model, prepare_training_data, train
from bot.engine.training_vocabulary import training_vocabulary
from bot.errors import EngineUnavailable
from bot.nlu.trainer import promoted_archive
from bot.notifications.inbox import take_pending

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_train = sub.add_parser("train", help="train the model if its data or config changed")
    p_train.add_argument("--force", action="store_true", help="retrain even if up to date")
    p_train.set_defaults(handler=cmd_train)

    p_up = sub.add_parser("up", help="start the engine and the action server until Ctrl-C")
    p_up.add_argument("--no-train", action="store_true", help="fail instead of training")
    p_up.add_argument(
        "--chat", action="store_true", help="open the terminal chat; leaving it stops everything"
    )
    p_up.add_argument(
        "--replicas",
        type=_positive,
        default=1,
        metavar="N",
        help="engine processes behind nginx on RASA_PORT (N>1 needs PostgreSQL and REDIS_URL)",
    )
    p_up.add_argument(
        "--action-servers",
        type=_positive,
        default=None,
        metavar="M",
        help="action servers behind nginx on ACTION_PORT (default: one per two engines)",
    )
    p_up.add_argument(
        "--web-replicas",
        type=_positive,
        default=1,
        metavar="W",
        help="web service processes behind nginx on WEB_PORT (with --replicas or --balancer)",
    )
    p_up.add_argument(
        "--balancer",
        action="store_true",
        help="put nginx in front even with one engine (what --replicas N>1 does)",
    )
    p_up.set_defaults(handler=cmd_up)

    p_chat = sub.add_parser("chat", help="chat in the terminal with the running engine")
    p_chat.add_argument("--sender", help="conversation id (default: a new one)")
    p_chat.set_defaults(handler=cmd_chat)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def ensure_model(settings: Settings, *, force: bool = False, allow_train: bool = True) -> None:
    project = RasaProject.from_settings(settings)
    prepare_training_data(project, training_vocabulary(settings))
    if allow_train:
        path, trained = train(project, force=force)
        print(f"model: {path.name} ({'trained' if trained else 'up to date'})", flush=True)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    ensure_model(settings, force=args.force)
    return 0


def app_children(settings: Settings) -> list[ChildSpec]:
    """The project's own services started with the engine: the web service (Open311, WeChat,
    outbound notifications) always, the Telegram bridge when a bot token is configured."""
    cli = str(Path(sys.executable).parent / "jiamenkou")
    web_url = f"http://{settings.host}:{settings.web_port}/healthz"
    children = [ChildSpec("web", [cli, "serve"], settings.web_port, "WEB_PORT", web_url)]
    if settings.telegram_bot_token:
        children.append(ChildSpec("telegram", [cli, "telegram"]))
    return children


def stack_config(settings: Settings, layout: Layout | None = None) -> StackConfig:
    """The stack of `jiamenkou up`: one of each process, or with a layout replicas behind
    nginx."""
    project = RasaProject.from_settings(settings)
    config = StackConfig(
        project=project,
        # A model a trainer promoted serves across restarts (`jiamenkou models`).
        model=promoted_archive(settings) or current_model(project),
        host=settings.host,
        engine_port=settings.engine_port,
        action_port=settings.action_port,
        token=settings.engine_token,
        action_token=settings.action_token,
        log_dir=settings.data_dir / "logs",
        ready_timeout_s=settings.ready_timeout_s,
        extra_env={"DATABASE_URL": settings.effective_database_url},
        extra_children=app_children(settings),
        tracker_url=settings.effective_tracker_database_url,
        redis_url=settings.redis_url,
    )
    return config if layout is None else replicate(config, settings, layout)


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    settings.check_production_secrets()
    layout = layout_from_args(args, settings)  # what replicas need is said before training
    promoted = promoted_archive(settings)
    ensure_model(settings, allow_train=not args.no_train and promoted is None)
    started = time.monotonic()
    stopping = False

    def _on_term(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _on_term)
    config = stack_config(settings, layout)
    print("starting the engine and services (1-2 minutes on a 2-core machine) …", flush=True)
    with EngineStack(config) as stack:
        if args.chat:
            print(f"ready in {time.monotonic() - started:.0f} s", flush=True)
            return _chat(settings, sender=None)
        behind = ""
        if layout is not None:
            behind = (
                f" (nginx in front of {_count(layout.replicas, 'engine')}, "
                f"{_count(layout.action_servers, 'action server')} and "
                f"{_count(layout.web_replicas, 'web process', 'web processes')})"
            )
        print(
            f"ready in {time.monotonic() - started:.0f} s: engine {stack.config.engine_url}, "
            f"actions {stack.config.action_url}, web http://{settings.host}:{settings.web_port}"
            f"{behind}. Chat with `jiamenkou chat`; Ctrl-C stops.",
            flush=True,
        )
        # A child that dies (engine, action server, web, bridge) is started again with
        # backoff; the web service and the bridges queue messages meanwhile.
        supervisor = Supervisor(stack, say=lambda text: print(text, flush=True))
        try:
            while not stopping:
                supervisor.tick()
                time.sleep(1.0)
        except KeyboardInterrupt:
            pass
        print("stopping …", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    return _chat(settings, sender=args.sender)


def terminal_inbox(settings: Settings) -> Callable[[str], list[BotMessage]]:
    """Ticket notifications for a terminal user come from the outbox, checked each turn."""
    engine = make_engine(settings.effective_database_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)

    def take(user_id: str) -> list[BotMessage]:
        with factory.begin() as session:
            taken = take_pending(
                session=session, channel="terminal", user_id=user_id, now=datetime.now(UTC)
            )
            return [
                BotMessage(m.text, [Button(b["title"], b["payload"]) for b in m.buttons or []])
                for m in taken
            ]

    return take


def _chat(settings: Settings, *, sender: str | None) -> int:
    async def run() -> int:
        client = EngineClient(settings.engine_url, settings.engine_token)
        try:
            if not await client.is_up():
                raise EngineUnavailable(
                    f"no engine answers at {settings.engine_url}; start it with `jiamenkou up`"
                )
            return await chat(
                client,
                max_chars=settings.max_message_chars,
                sender_id=sender,
                inbox=terminal_inbox(settings),
                eraser=record_eraser(settings),
            )
        finally:
            await client.aclose()

    return asyncio.run(run())
