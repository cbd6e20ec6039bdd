"""The customer-service API client: token cache and refresh, and the outbox sender."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.choices import resolve_choice
from bot.channels.wechat.api import WeChatApi
from bot.commands.serve import outbound_senders
from bot.config import Settings
from bot.db.columns import utcnow
from bot.notifications.sender import Button
from tests.channels.wechat.conftest import wechat_settings
from tests.channels.wechat.wechat_side import APP_ID, APP_SECRET, OPENID, FakeWeChatApi
from tests.helpers.loopback import serving


def test_the_token_is_cached_and_renewed_when_wechat_voids_it(
    factory: sessionmaker[Session],
) -> None:
    fake = FakeWeChatApi()

    async def scenario() -> None:
        async with serving(fake.app()) as url:
            api = WeChatApi(
                app_id=APP_ID, app_secret=APP_SECRET, base_url=url, session_factory=factory
            )
            try:
                await api.send_text(OPENID, "一")
                await api.send_text(OPENID, "二")
                assert fake.token_calls == 1
                fake.expire_tokens()  # e.g. another process fetched a new one
                await api.send_text(OPENID, "三")
                assert fake.token_calls == 2
            finally:
                await api.aclose()

    asyncio.run(scenario())
    assert fake.texts() == ["一", "二", "三"]


def test_the_outbox_sender_numbers_buttons_and_remembers_them(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    fake = FakeWeChatApi()

    async def scenario() -> None:
        async with serving(fake.app()) as url:
            sender = outbound_senders(wechat_settings(settings, url))["wechat"]
            assert isinstance(sender, WeChatApi)
            # The serve command's sender has its own database engine; point it at the test's.
            sender._factory = factory
            try:
                await sender.send(
                    channel="wechat",
                    user_id=OPENID,
                    text="工单已办结，请评价：",
                    buttons=[Button("满意", "/rate_5"), Button("不满意", "/rate_1")],
                )
            finally:
                await sender.aclose()

    asyncio.run(scenario())
    assert fake.texts() == ["工单已办结，请评价：\n1. 满意\n2. 不满意\n（输入序号即可选择）"]
    with factory.begin() as session:
        picked = resolve_choice(
            session=session, channel="wechat", user_id=OPENID, text="1", now=utcnow()
        )
    assert picked == "/rate_5"
