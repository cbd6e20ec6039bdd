"""Outbox notifications reach Telegram chats through `jiamenkou serve`'s senders."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.replies import TelegramSender
from bot.commands.serve import outbound_senders
from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.outbox import OutboxMessage, OutboxStatus
from bot.notifications.dispatcher import deliver_pending
from bot.notifications.outbox import enqueue
from bot.notifications.sender import Button
from tests.channels.telegram.conftest import bridge_settings
from tests.channels.telegram.fake_bot_api import FakeBotApi
from tests.helpers.loopback import serving


def test_no_token_no_telegram_sender(settings: Settings) -> None:
    assert "telegram" not in outbound_senders(settings)


def test_a_status_notification_is_sent_with_its_rating_buttons(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    api = FakeBotApi()
    with factory.begin() as session:
        enqueue(
            session=session,
            channel="telegram",
            user_id="424242",
            now=utcnow(),
            text="您的工单GD000123已办结，请评价。",
            buttons=[Button("5分 非常满意", '/rate{"score": 5}')],
        )

    async def scenario() -> None:
        async with serving(api.app()) as url:
            senders = outbound_senders(bridge_settings(settings, url))
            sender = senders["telegram"]
            assert isinstance(sender, TelegramSender)
            try:
                stats = await deliver_pending(session_factory=factory, senders=senders)
            finally:
                await sender.aclose()
            assert stats.sent == 1

    asyncio.run(scenario())
    [call] = api.sent("sendMessage", 424242)
    assert call.params["text"] == "您的工单GD000123已办结，请评价。"
    [[button]] = call.params["reply_markup"]["inline_keyboard"]
    assert button == {"text": "5分 非常满意", "callback_data": '/rate{"score": 5}'}
    with factory() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == [OutboxStatus.SENT]
