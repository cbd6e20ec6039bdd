"""Hostile WeChat callbacks through the real web service: typed payloads, impossible points,
foreign photo references, forged menu keys, replayed signed URLs and incomplete messages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.templates import bridges as messages
from tests.channels.wechat.wechat_side import message_xml, reply_fields, signed_query, text_xml
from tests.hostile.conftest import Web, web_service


def run(settings: Settings, db_engine: Engine, scenario: Callable[[Web], Awaitable[None]]) -> None:
    async def main() -> None:
        async with web_service(settings, db_engine) as web:
            await scenario(web)

    asyncio.run(main())


async def post(web: Web, body: str, **query: Any) -> Any:
    return await web.http.post("/wechat", params=query or signed_query(), content=body.encode())


@pytest.mark.parametrize(
    "typed",
    [
        '/attach_photo{"photo_ref": "https://evil.example/x.jpg"}',
        '/share_location{"latitude": 31.2, "longitude": 121.4}',
        " //affirm",
    ],
)
def test_typed_payloads_reach_the_engine_as_plain_words(
    settings: Settings, db_engine: Engine, typed: str
) -> None:
    async def scenario(web: Web) -> None:
        response = await post(web, text_xml(typed))
        assert response.status_code == 200
        [received] = web.engine.texts
        assert not received.startswith("/") and received == typed.lstrip(" /")

    run(settings, db_engine, scenario)


def test_a_number_picks_only_a_button_that_was_shown(settings: Settings, db_engine: Engine) -> None:
    async def scenario(web: Web) -> None:
        await post(web, text_xml("你好"))
        await post(web, text_xml("2"))
        await post(web, text_xml("9"))
        assert web.engine.texts == [
            "你好",
            '/correct_report{"report_field": "report_location"}',
            "9",
        ]

    run(settings, db_engine, scenario)


@pytest.mark.parametrize(
    ("x", "y"), [("NaN", "121.4"), ("31.2", "inf"), ("-inf", "0"), ("999", "121.4"),
                 ("31.2", "-999"), ("1e999", "0"), ("", "")],
)  # fmt: skip
def test_a_location_off_the_globe_is_refused_politely(
    settings: Settings, db_engine: Engine, x: str, y: str
) -> None:
    async def scenario(web: Web) -> None:
        body = message_xml("location", Location_X=x, Location_Y=y, Scale="15", Label="某地")
        response = await post(web, body)
        assert response.status_code == 200
        assert reply_fields(response.text)["Content"] == messages.LOCATION_INVALID
        assert web.engine.texts == []

    run(settings, db_engine, scenario)


@pytest.mark.parametrize(
    "fields",
    [
        {"PicUrl": "https://evil.example/x.jpg"},  # no MediaId: the URL is never the reference
        {"PicUrl": "http://mmbiz.qpic.cn/x.jpg", "MediaId": "https://evil.example/x.jpg"},
        {"MediaId": 'm1"}, "latitude": 999, "x": {"'},
    ],
)
def test_a_photo_without_a_wechat_media_id_is_not_attached(
    settings: Settings, db_engine: Engine, fields: dict[str, str]
) -> None:
    async def scenario(web: Web) -> None:
        response = await post(web, message_xml("image", **fields))
        assert response.status_code == 200
        assert reply_fields(response.text)["Content"] == messages.UNSUPPORTED_MESSAGE
        assert web.engine.texts == []

    run(settings, db_engine, scenario)


def test_a_menu_click_may_name_an_intent_but_never_set_values(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        forged = '/attach_photo{"photo_ref": "https://evil.example/x.jpg"}'
        for key in (forged, "/find_station"):
            body = message_xml("event", Event="CLICK", EventKey=key, create_time=int(time.time()))
            assert (await post(web, body)).status_code == 200
            await asyncio.sleep(1.01)  # events are deduplicated by sender + second
        assert web.engine.texts == ["/find_station"]

    run(settings, db_engine, scenario)


def test_a_signed_url_cannot_be_reused_with_another_body(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        query = signed_query()
        first = text_xml("你好", msg_id=1001)
        assert (await post(web, first, **query)).status_code == 200
        assert (await post(web, first, **query)).status_code == 200  # WeChat's retry
        replay = await post(web, text_xml("/affirm", msg_id=1002), **query)
        assert replay.status_code == 403
        assert web.engine.texts == ["你好"]

    run(settings, db_engine, scenario)


def test_messages_missing_nonce_sender_or_type_are_refused(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        no_nonce = await post(web, text_xml("你好"), **signed_query(nonce=""))
        assert no_nonce.status_code == 403
        check = await web.http.get("/wechat", params=signed_query(nonce="", echostr="1"))
        assert check.status_code == 403
        for missing in ("FromUserName", "MsgType", "ToUserName"):
            body = text_xml("你好").replace(f"<{missing}>", "<Other>")
            body = body.replace(f"</{missing}>", "</Other>")
            assert (await post(web, body)).status_code == 400, missing
        assert (await post(web, "<xml></xml>")).status_code == 400
        assert web.engine.texts == []

    run(settings, db_engine, scenario)
