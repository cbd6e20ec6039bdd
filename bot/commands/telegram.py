"""`jiamenkou telegram`: runs the Telegram bridge (long polling or webhook) and its retry loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.config import Settings
from bot.errors import ConfigError
from bot.privacy import install_log_masking

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("telegram", help="run the Telegram bridge (needs TELEGRAM_BOT_TOKEN)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--polling",
        action="store_true",
        help="long polling even if TELEGRAM_WEBHOOK_URL is set (default without it)",
    )
    mode.add_argument(
        "--webhook",
        action="store_true",
        help="webhook mode (default when TELEGRAM_WEBHOOK_URL is set)",
    )
    p.set_defaults(handler=cmd_telegram)


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: other `jiamenkou` commands would otherwise pay for loading them.
    from bot.channels.contracts import ReplySink
    from bot.channels.relay import ChannelRelay, make_relay
    from bot.channels.telegram.app import run_bridge
    from bot.db.migrate import upgrade_to_head
    from bot.db.session import make_engine, make_session_factory
    from bot.engine.client import EngineClient

    if not settings.telegram_bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set; get one from @BotFather")
    webhook = args.webhook or (bool(settings.telegram_webhook_url) and not args.polling)
    if webhook and not (settings.telegram_webhook_url and settings.telegram_webhook_secret):
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
    settings.check_production_secrets()
    install_log_masking()
    # PTB logs whole updates and request parameters (chat ids, texts) at DEBUG, and httpx
    # logs request URLs, which carry the bot token: keep both quiet even with --verbose.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
    logging.getLogger("httpx").setLevel(logging.WARNING)

    db = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(db)

        async def run() -> None:
            engine = EngineClient(
                settings.engine_url, settings.engine_token, timeout_s=settings.engine_timeout_s
            )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            factory = make_session_factory(db)

            def relay_for(sink: ReplySink) -> ChannelRelay:
                return make_relay(
                    settings,
                    channel="telegram",
                    engine=engine,
                    session_factory=factory,
                    sink=sink,
                )

            try:
                await run_bridge(
                    settings,
                    session_factory=factory,
                    relay_for=relay_for,
                    stop=stop,
                    webhook=webhook,
                )
            finally:
                await engine.aclose()

        asyncio.run(run())
    finally:
        db.dispose()
    return 0
