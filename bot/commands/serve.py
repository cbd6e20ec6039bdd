"""`jiamenkou serve [--port PORT]`: the HTTP API (Open311) plus the notification dispatcher."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot import china_time
from bot.bookings.reminders import send_reminders
from bot.config import Settings
from bot.conversations.service import open_record
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine
from bot.engine.client import EngineAdmin
from bot.engine.ports import port_is_free
from bot.errors import PortInUse
from bot.handoff.desk import HandoffDesk
from bot.notifications.dispatcher import run_dispatcher
from bot.notifications.sender import OutboundSender
from bot.privacy import install_log_masking
from bot.web.background import run_periodically

if TYPE_CHECKING:
    import uvicorn

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the Open311 API and deliver notifications")
    p.add_argument("--port", type=int, default=None, help="default: WEB_PORT (8000)")
    p.set_defaults(handler=cmd_serve)


def outbound_senders(settings: Settings) -> dict[str, OutboundSender]:
    """Channel name -> sender. Bridges (Telegram, WeChat, REST) register theirs here; until
    one does, its messages wait in the outbox and nothing is lost."""
    senders: dict[str, OutboundSender] = {}
    if settings.telegram_bot_token:
        from bot.channels.telegram.replies import TelegramSender

        senders["telegram"] = TelegramSender(
            token=settings.telegram_bot_token, api_base_url=settings.telegram_api_base_url
        )
    if settings.wechat_app_id and settings.wechat_app_secret:
        from bot.channels.wechat.api import WeChatApi
        from bot.db.session import make_session_factory

        # Its own database engine: the sender remembers the buttons it shows as numbers.
        senders["wechat"] = WeChatApi(
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret,
            base_url=settings.wechat_api_base_url,
            session_factory=make_session_factory(make_engine(settings.effective_database_url)),
        )
    return senders


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: every other `jiamenkou` command would otherwise pay for loading them.
    import uvicorn

    from bot.web.app import create_app

    install_log_masking()
    port = args.port or settings.web_port
    if not port_is_free(settings.host, port):
        raise PortInUse(f"port {port} on {settings.host} is in use; pick another with --port")
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        app = create_app(settings, engine=engine)
        senders = outbound_senders(settings)
        # log_config=None: uvicorn logs through the root handlers, which mask phone numbers.
        config = uvicorn.Config(app, host=settings.host, port=port, log_config=None)
        # Ctrl-C is how `serve` is stopped: uvicorn shuts down cleanly, then re-raises the
        # signal, which may land while the background loops are finishing their round.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(
                _serve(uvicorn.Server(config), app.state.session_factory, senders, settings)
            )
    finally:
        engine.dispose()
    return 0


async def _serve(
    server: uvicorn.Server,
    session_factory: sessionmaker[Session],
    senders: dict[str, OutboundSender],
    settings: Settings,
) -> None:
    stop = asyncio.Event()
    if not senders:
        logger.info("no outbound channel configured yet; notifications stay queued")
    desk = HandoffDesk(
        session_factory=session_factory,
        control=EngineAdmin(settings.engine_url, settings.engine_token),
    )

    def escalate() -> str:
        numbers = desk.escalate_due()
        return f"unclaimed handoffs became tickets {', '.join(numbers)}" if numbers else ""

    def purge() -> str:
        with open_record(settings) as record:
            deleted = record.purge(older_than_days=settings.retention_days)
        return f"deleted {deleted} conversation events past retention" if deleted else ""

    def remind() -> str:
        with session_factory.begin() as session:
            numbers = send_reminders(session=session, now=china_time.now())
        return f"reminded bookings {', '.join(numbers)}" if numbers else ""

    tasks = [
        asyncio.create_task(
            run_dispatcher(session_factory=session_factory, senders=senders, stop=stop)
        ),
        asyncio.create_task(
            run_periodically("handoff escalation", escalate, stop=stop, interval_s=30.0)
        ),
        asyncio.create_task(
            run_periodically("booking reminders", remind, stop=stop, interval_s=300.0)
        ),
        asyncio.create_task(
            run_periodically("conversation retention", purge, stop=stop, interval_s=6 * 3600.0)
        ),
    ]
    try:
        await server.serve()
    finally:
        stop.set()
        await asyncio.gather(*tasks)
