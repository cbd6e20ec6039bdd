"""Builds the Telegram Application and runs it: long polling, or a webhook behind a proxy."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn
from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.channels.choices import ChoiceMemory
from bot.channels.contracts import ReplySink
from bot.channels.relay import ChannelRelay
from bot.channels.telegram.bridge import COMMAND_PAYLOADS, TelegramBridge
from bot.channels.telegram.ordering import ChatOrderedProcessor
from bot.channels.telegram.replies import TelegramReplies
from bot.channels.telegram.webhook import build_webhook_app, webhook_path
from bot.config import Settings
from bot.errors import ConfigError
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
# Only what the handlers use: Telegram then does not send (and we do not store) the rest.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Builds the bridge's relay around its reply sink: the sink needs the Application's bot, so the
# relay can only be made once the Application exists.
RelayFactory = Callable[[ReplySink], ChannelRelay]


def build_application(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session],
    relay_for: RelayFactory,
    webhook: bool = False,
) -> tuple[TelegramApp, ChannelRelay]:
    """The Application with every handler, and the relay made for it (its sink: this bot's
    replies, which remember the buttons shown in `session_factory`'s database)."""
    if not settings.telegram_bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    base = settings.telegram_api_base_url.rstrip("/")
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .concurrent_updates(ChatOrderedProcessor())
    )
    if webhook:
        builder = builder.updater(None)  # updates arrive through our own web server
    application: TelegramApp = builder.build()
    choices = ChoiceMemory(channel="telegram", session_factory=session_factory)
    replies = TelegramReplies(application.bot, choices)
    relay = relay_for(replies)
    register_handlers(
        application, TelegramBridge(relay, replies, max_chars=settings.max_message_chars)
    )
    return application, relay


def register_handlers(application: TelegramApp, bridge: TelegramBridge) -> None:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", bridge.on_start, filters=private))
    application.add_handler(CommandHandler("help", bridge.on_help, filters=private))
    application.add_handler(
        CommandHandler(list(COMMAND_PAYLOADS), bridge.on_command, filters=private)
    )
    application.add_handler(MessageHandler(private & filters.LOCATION, bridge.on_location))
    application.add_handler(MessageHandler(private & filters.PHOTO, bridge.on_photo))
    # Other "/…" texts are plain text: the guard strips the slash, so no typed payload.
    application.add_handler(MessageHandler(private & filters.TEXT, bridge.on_text))
    application.add_handler(MessageHandler(private, bridge.on_unsupported))
    application.add_handler(CallbackQueryHandler(bridge.on_callback))
    application.add_error_handler(bridge.on_error)


async def _publish_commands(application: TelegramApp) -> None:
    commands = [BotCommand(name, text) for name, text in messages.TELEGRAM_COMMANDS]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        logger.warning("could not publish the command menu: %s", exc)


async def run_bridge(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session],
    relay_for: RelayFactory,
    stop: asyncio.Event,
    webhook: bool,
) -> None:
    """Run until `stop` is set: the Application (polling or webhook) and the retry loop."""
    application, relay = build_application(
        settings, session_factory=session_factory, relay_for=relay_for, webhook=webhook
    )
    retry = asyncio.create_task(
        relay.run_retry_loop(stop=stop, interval_s=settings.inbound_retry_s)
    )
    try:
        async with application:
            await application.start()
            # (post_init hooks run only under run_polling/run_webhook, not with start())
            await _publish_commands(application)
            if webhook:
                await _serve_webhook(settings, application, stop)
            else:
                assert application.updater is not None
                await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
                logger.info("telegram bridge polling")
                await stop.wait()
                await application.updater.stop()
            await application.stop()
    finally:
        stop.set()
        await retry


async def _serve_webhook(settings: Settings, application: TelegramApp, stop: asyncio.Event) -> None:
    url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
    if not url or not secret:
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    app = build_webhook_app(application, path=webhook_path(url), secret=secret)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.telegram_webhook_port, log_config=None
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve())
    logger.info("telegram webhook listening on %s:%s", settings.host, config.port)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopped.cancel()
    await serving


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The command owns SIGINT/SIGTERM (they set `stop`); uvicorn must not re-raise them.
        yield
