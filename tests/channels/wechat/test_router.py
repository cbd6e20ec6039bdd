"""The /wechat callback: signatures, message kinds, dedupe, safe mode and the 5-second window."""

from __future__ import annotations

import asyncio
import json
import time

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.sites.coords import gcj02_to_wgs84
from bot.templates import bridges as messages
from tests.channels.wechat.conftest import running
from tests.channels.wechat.wechat_side import (
    ACCOUNT,
    APP_ID,
    OPENID,
    encrypted_request,
    message_xml,
    msg_signature,
    reply_fields,
    signed_query,
    text_xml,
    wechat_decrypt,
)
from tests.helpers.fake_engine import GREETING, FakeEngine


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def test_url_verification_echoes_only_for_a_good_signature(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    async def scenario() -> None:
        async with running(settings, factory, FakeEngine()) as cb:
            ok = await cb.http.get("/wechat", params=signed_query(echostr="5837397520665"))
            assert (ok.status_code, ok.text) == (200, "5837397520665")
            forged = {**signed_query(echostr="x"), "signature": "0" * 40}
            assert (await cb.http.get("/wechat", params=forged)).status_code == 403

    run(scenario())


def test_a_text_is_answered_in_the_passive_reply(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            response = await cb.http.post(
                "/wechat", params=signed_query(), content=text_xml("你好", msg_id=42)
            )
            assert response.status_code == 200
            reply = reply_fields(response.text)
            assert reply["ToUserName"] == OPENID and reply["FromUserName"] == ACCOUNT
            assert (reply["MsgType"], reply["Content"]) == ("text", "回声：你好")

    run(scenario())
    assert engine.calls == [(f"wechat:{OPENID}", "你好", {"channel": "wechat", "message_id": "42"})]


def test_unsigned_forged_and_stale_requests_are_refused(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            body = text_xml("你好")
            forged = {**signed_query(), "signature": "f" * 40}
            stale = signed_query(timestamp=int(time.time()) - 301)
            for params in ({}, forged, stale):
                response = await cb.http.post("/wechat", params=params, content=body)
                assert response.status_code == 403

    run(scenario())
    assert engine.calls == []


def test_a_replayed_message_is_answered_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            body = text_xml("路灯不亮", msg_id=777)
            first = await cb.http.post("/wechat", params=signed_query(), content=body)
            again = await cb.http.post("/wechat", params=signed_query(nonce="9"), content=body)
            assert reply_fields(first.text)["Content"] == "回声：路灯不亮"
            assert again.text == "success"

    run(scenario())
    assert len(engine.calls) == 1


def test_location_is_converted_from_gcj02_image_and_voice_are_posted(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()
    lat, lon = 31.230416, 121.473701

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            for body in (
                message_xml(
                    "location",
                    Location_X=str(lat),
                    Location_Y=str(lon),
                    Scale="15",
                    Label="上海市黄浦区人民广场",
                ),
                message_xml("image", PicUrl="http://mmbiz.qpic.cn/x.jpg", MediaId="media-1"),
                message_xml("voice", MediaId="v1", Format="amr", Recognition="附近的驿站"),
            ):
                response = await cb.http.post("/wechat", params=signed_query(), content=body)
                assert response.status_code == 200
            silent = message_xml("voice", MediaId="v2", Format="amr", Recognition="")
            response = await cb.http.post("/wechat", params=signed_query(), content=silent)
            assert reply_fields(response.text)["Content"] == messages.VOICE_NOT_RECOGNISED

    run(scenario())
    (_, location, meta), (_, photo, _), (_, voice, _) = engine.calls
    shared = json.loads(location.removeprefix("/share_location"))
    wgs_lat, wgs_lon = gcj02_to_wgs84(lat, lon)
    assert abs(shared["latitude"] - wgs_lat) < 1e-6 and abs(shared["longitude"] - wgs_lon) < 1e-6
    assert abs(shared["latitude"] - lat) > 1e-3  # the GCJ-02 offset was really removed
    assert meta["label"] == "上海市黄浦区人民广场"
    assert photo == '/attach_photo{"photo_ref": "wechat:media-1"}'
    assert voice == "附近的驿站"


def test_subscribe_gets_the_welcome_once_and_unsubscribe_nothing(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            event = message_xml("event", create_time=1700000000, Event="subscribe")
            first = await cb.http.post("/wechat", params=signed_query(), content=event)
            again = await cb.http.post("/wechat", params=signed_query(), content=event)
            assert reply_fields(first.text)["Content"] == messages.WECHAT_WELCOME
            assert again.text == "success"
            bye = message_xml("event", Event="unsubscribe")
            assert (
                await cb.http.post("/wechat", params=signed_query(), content=bye)
            ).text == "success"

    run(scenario())
    assert engine.calls == []


def test_buttons_become_numbers_and_a_number_sends_the_payload(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(replies={"你好": GREETING})

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            hello = await cb.http.post("/wechat", params=signed_query(), content=text_xml("你好"))
            lines = reply_fields(hello.text)["Content"].splitlines()
            assert lines[1:] == ["1. 找附近的服务站", "2. 反映问题", messages.CHOOSE_HINT]
            await cb.http.post("/wechat", params=signed_query(), content=text_xml("2"))

    run(scenario())
    assert engine.calls[-1][1] == "/report_problem"


def test_safe_mode_round_trip(settings: Settings, factory: sessionmaker[Session]) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            params, body = encrypted_request(text_xml("你好"))
            response = await cb.http.post("/wechat", params=params, content=body)
            assert response.status_code == 200
            envelope = reply_fields(response.text)
            assert envelope["MsgSignature"] == msg_signature(
                envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
            )
            xml, app_id = wechat_decrypt(envelope["Encrypt"])
            assert app_id == APP_ID
            assert reply_fields(xml)["Content"] == "回声：你好"

            params, body = encrypted_request(text_xml("再来"))
            params["msg_signature"] = "0" * 40
            assert (await cb.http.post("/wechat", params=params, content=body)).status_code == 403

    run(scenario())
    assert [text for _, text, _ in engine.calls] == ["你好"]


def test_dtd_entities_and_oversized_bodies_are_refused(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "哈哈哈哈">]>'
        "<xml><MsgType>text</MsgType><Content>&a;&a;</Content></xml>"
    )

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            response = await cb.http.post("/wechat", params=signed_query(), content=bomb)
            assert response.status_code == 400
            huge = text_xml("长" * 30_000)
            response = await cb.http.post("/wechat", params=signed_query(), content=huge)
            assert response.status_code == 413

    run(scenario())
    assert engine.calls == []


def test_a_slow_engine_gets_success_and_the_answer_comes_by_customer_service_api(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(delay_s=0.5)

    async def scenario() -> None:
        async with running(settings, factory, engine, wechat_reply_budget_s=0.1) as cb:
            started = time.monotonic()
            response = await cb.http.post(
                "/wechat", params=signed_query(), content=text_xml("你好")
            )
            assert response.text == "success"
            assert time.monotonic() - started < 0.4
            for _ in range(100):
                if cb.api.sent:
                    break
                await asyncio.sleep(0.02)
            assert cb.api.texts() == ["回声：你好"]
            assert cb.api.token_calls == 1

    run(scenario())


def test_engine_down_is_acknowledged_and_answered_later_through_the_api(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(down=True)

    async def scenario() -> None:
        async with running(settings, factory, engine) as cb:
            response = await cb.http.post(
                "/wechat", params=signed_query(), content=text_xml("你好")
            )
            assert reply_fields(response.text)["Content"] == messages.ENGINE_DOWN_QUEUED
            engine.down = False
            for _ in range(200):
                if cb.api.sent:
                    break
                await asyncio.sleep(0.02)
            assert cb.api.texts() == ["回声：你好"]

    run(scenario())
