"""Through the real engine: a greeting, then a GCJ-02 location after a site question."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.engine.client import EngineClient
from bot.engine.processes import StackConfig
from bot.sites.coords import wgs84_to_gcj02
from tests.channels.telegram.test_engine_e2e import first_site
from tests.channels.wechat.conftest import running
from tests.channels.wechat.wechat_side import message_xml, reply_fields, signed_query, text_xml

pytestmark = pytest.mark.engine


def test_greeting_and_a_site_search_through_the_real_engine(
    settings: Settings,
    factory: sessionmaker[Session],
    engine_stack: StackConfig,
    e2e_database_url: str,
) -> None:
    site = first_site(e2e_database_url)
    # A conversation of its own: the shared engine remembers a location for an hour.
    USER = f"oE2E_{uuid.uuid4().hex[:22]}"
    lat, lon = wgs84_to_gcj02(site.lat, site.lon)  # what a phone in China reports

    async def say(cb, body: str) -> str:  # type: ignore[no-untyped-def]
        response = await cb.http.post("/wechat", params=signed_query(), content=body)
        assert response.status_code == 200
        return "" if response.text == "success" else reply_fields(response.text)["Content"]

    async def scenario() -> None:
        engine = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            async with running(settings, factory, engine) as cb:
                greeting = await say(cb, text_xml("你好", sender=USER))
                assert "小助手" in greeting and "1. " in greeting
                asked = await say(cb, text_xml("附近有没有党群服务站", sender=USER))
                assert "位置" in asked
                answer = await say(
                    cb,
                    message_xml(
                        "location",
                        sender=USER,
                        Location_X=str(lat),
                        Location_Y=str(lon),
                        Scale="16",
                        Label=site.address,
                    ),
                )
                if not answer:  # slower than the passive window: pushed through the API
                    for _ in range(300):
                        if cb.api.sent:
                            break
                        await asyncio.sleep(0.05)
                    answer = "\n".join(cb.api.texts(USER))
                assert "📍" in answer and site.name in answer
        finally:
            await engine.aclose()

    asyncio.run(scenario())
