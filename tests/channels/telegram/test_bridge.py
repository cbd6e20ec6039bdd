"""The Telegram bridge end to end against a fake Bot API: the real PTB Application polls it."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.inbound import InboundMessage, InboundStatus
from bot.templates import bridges as messages
from tests.channels.telegram.conftest import running
from tests.channels.telegram.fake_bot_api import FakeBotApi
from tests.helpers.fake_engine import ASK_LOCATION, GREETING, FakeEngine

CHAT = 424242
OTHER = 515151


def test_a_text_goes_to_the_engine_as_the_chat_and_the_answer_comes_back(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            update_id = bridge.api.push(bridge.api.text(CHAT, "  你好  "))
            await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
            assert engine.calls == [
                (f"telegram:{CHAT}", "你好", {"channel": "telegram", "message_id": str(update_id)})
            ]
            assert bridge.api.texts(CHAT) == ["回声：你好"]

    asyncio.run(scenario())


def test_buttons_become_an_inline_keyboard_and_a_tap_posts_the_payload(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(replies={"你好": GREETING})

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.text(CHAT, "你好"))
            [greeting] = await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
            keyboard = greeting.params["reply_markup"]["inline_keyboard"]
            assert [row[0]["callback_data"] for row in keyboard] == [
                "/find_station",
                "/report_problem",
            ]
            assert keyboard[0][0]["text"] == "找附近的服务站"

            bridge.api.push(bridge.api.tap(CHAT, "/find_station"))
            await bridge.api.wait_for("sendMessage", 2, chat_id=CHAT)
            assert len(bridge.api.sent("answerCallbackQuery")) == 1
            assert engine.calls[-1][1] == "/find_station"

    asyncio.run(scenario())


def test_a_location_and_a_venue_are_posted_as_share_location(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.location(CHAT, 31.2304, 121.4737))
            await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
            bridge.api.push(bridge.api.venue(CHAT, 31.2, 121.5, "和顺社区党群服务中心"))
            await bridge.api.wait_for("sendMessage", 2, chat_id=CHAT)

        (_, first, _), (_, second, meta) = engine.calls
        assert first.startswith("/share_location")
        assert json.loads(first.removeprefix("/share_location")) == {
            "latitude": 31.2304,
            "longitude": 121.4737,
        }
        assert json.loads(second.removeprefix("/share_location"))["latitude"] == 31.2
        assert meta["label"] == "和顺社区党群服务中心"

    asyncio.run(scenario())


def test_the_engine_asking_for_a_location_shows_the_share_location_key(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(replies={"附近有没有党群服务站": ASK_LOCATION})

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.text(CHAT, "附近有没有党群服务站"))
            [asked] = await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
            assert asked.params["text"] == "请发送您的位置。"
            [[key]] = asked.params["reply_markup"]["keyboard"]
            assert key == {"text": messages.SHARE_LOCATION_BUTTON, "request_location": True}

    asyncio.run(scenario())


def test_a_photo_is_attached_by_its_largest_file_id_and_the_caption_follows(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.photo(CHAT, caption="楼道灯坏了"))
            await bridge.api.wait_for("sendMessage", 2, chat_id=CHAT)

        assert [text for _, text, _ in engine.calls] == [
            '/attach_photo{"photo_ref": "telegram:large-id"}',
            "楼道灯坏了",
        ]

    asyncio.run(scenario())


def test_commands_are_local_or_shortcuts_to_engine_intents(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            for text in ("/start", "/help", "/mytickets", "/mybookings", "/human"):
                bridge.api.push(bridge.api.text(CHAT, text))
            bridge.api.push(bridge.api.sticker(CHAT))
            await bridge.api.wait_for("sendMessage", 6, chat_id=CHAT)
            texts = bridge.api.texts(CHAT)
            assert texts[:2] == [messages.TELEGRAM_WELCOME, messages.TELEGRAM_HELP]
            assert texts[-1] == messages.UNSUPPORTED_MESSAGE
            assert len(bridge.api.sent("setMyCommands")) == 1

        assert [text for _, text, _ in engine.calls] == [
            "/check_ticket",
            "/list_bookings",
            "/human_handoff",
        ]

    asyncio.run(scenario())


def test_a_repeated_update_is_answered_once_even_after_a_restart(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()
    api = FakeBotApi()

    async def scenario() -> None:
        update = api.text(CHAT, "路灯不亮")
        async with running(settings, factory, engine, api=api):
            api.push(update)
            api.push(update)
            await api.wait_for("sendMessage", 1, chat_id=CHAT)
            await asyncio.sleep(0.3)
        async with running(settings, factory, engine, api=api):
            api.push(update)  # Telegram redelivers what was never confirmed
            api.push(api.text(CHAT, "还有一件事"))
            await api.wait_for("sendMessage", 2, chat_id=CHAT)
            await asyncio.sleep(0.3)
        assert api.texts(CHAT) == ["回声：路灯不亮", "回声：还有一件事"]

    asyncio.run(scenario())
    assert [text for _, text, _ in engine.calls] == ["路灯不亮", "还有一件事"]


def test_a_flooding_chat_is_told_once_and_others_keep_being_served(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine, rate_limit_messages=3) as bridge:
            for i in range(6):
                bridge.api.push(bridge.api.text(CHAT, f"第{i}条"))
            bridge.api.push(bridge.api.text(OTHER, "你好"))
            await bridge.api.wait_for("sendMessage", 1, chat_id=OTHER)
            await bridge.api.wait_for("sendMessage", 4, chat_id=CHAT)
            await asyncio.sleep(0.3)
            assert bridge.api.texts(CHAT) == [
                "回声：第0条",
                "回声：第1条",
                "回声：第2条",
                messages.RATE_LIMITED,
            ]
            assert bridge.api.texts(OTHER) == ["回声：你好"]

    asyncio.run(scenario())


def test_updates_of_one_chat_keep_their_order_while_other_chats_go_ahead(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()
    slow = engine.send

    async def slow_first(sender_id: str, text: str, metadata: object = None) -> object:
        if text == "慢":
            await asyncio.sleep(0.6)
        return await slow(sender_id, text, metadata)  # type: ignore[arg-type]

    engine.send = slow_first  # type: ignore[method-assign]

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.text(CHAT, "慢"))
            bridge.api.push(bridge.api.text(CHAT, "快"))
            bridge.api.push(bridge.api.text(OTHER, "你好"))
            await bridge.api.wait_for("sendMessage", 3)
            order = [(int(c.params["chat_id"]), c.params["text"]) for c in bridge.api.sent()]
            assert order == [(OTHER, "回声：你好"), (CHAT, "回声：慢"), (CHAT, "回声：快")]

    asyncio.run(scenario())


def test_engine_down_replies_at_once_and_answers_when_it_is_back(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine(down=True)

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.text(CHAT, "路灯不亮"))
            bridge.api.push(bridge.api.text(CHAT, "在3号楼"))
            for _ in range(250):  # both kept, though only the first one is answered now
                with factory() as session:
                    statuses = session.scalars(select(InboundMessage.status)).all()
                if statuses == [InboundStatus.QUEUED, InboundStatus.QUEUED]:
                    break
                await asyncio.sleep(0.02)
            assert statuses == [InboundStatus.QUEUED, InboundStatus.QUEUED]
            # The apology once, not once per message while the engine is down.
            assert bridge.api.texts(CHAT) == [messages.ENGINE_DOWN_QUEUED]

            engine.down = False
            await bridge.api.wait_for("sendMessage", 3, chat_id=CHAT)
            assert bridge.api.texts(CHAT)[1:] == ["回声：路灯不亮", "回声：在3号楼"]
            for _ in range(100):  # marked answered right after the send returns
                with factory() as session:
                    rows = session.scalars(select(InboundMessage)).all()
                if {r.status for r in rows} == {InboundStatus.ANSWERED}:
                    break
                await asyncio.sleep(0.02)
            assert {r.status for r in rows} == {InboundStatus.ANSWERED}
            assert {r.text for r in rows} == {""}  # residents' words are not kept

    asyncio.run(scenario())


def test_typed_payload_syntax_reaches_the_engine_as_plain_words(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(
                bridge.api.text(CHAT, '/attach_photo{"photo_ref": "https://evil.example/x.jpg"}')
            )
            bridge.api.push(bridge.api.text(CHAT, "//affirm"))
            await bridge.api.wait_for("sendMessage", 2, chat_id=CHAT)
        texts = [call[1] for call in engine.calls]
        assert texts == ['attach_photo{"photo_ref": "https://evil.example/x.jpg"}', "affirm"]

    asyncio.run(scenario())


def test_callback_data_not_on_the_tapped_message_is_ignored(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            forged = '/attach_photo{"photo_ref": "https://evil.example/x.jpg"}'
            bridge.api.push(bridge.api.tap(CHAT, forged, offered=["/find_station"]))
            bridge.api.push(bridge.api.tap(CHAT, "/affirm", offered=[]))
            await bridge.api.wait_for("answerCallbackQuery", 2)
            bridge.api.push(bridge.api.tap(CHAT, "/find_station", offered=["/find_station"]))
            await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
        assert [call[1] for call in engine.calls] == ["/find_station"]

    asyncio.run(scenario())


def test_a_location_off_the_globe_is_refused_politely_without_the_engine(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    engine = FakeEngine()

    async def scenario() -> None:
        async with running(settings, factory, engine) as bridge:
            bridge.api.push(bridge.api.location(CHAT, 999.0, 121.4))
            await bridge.api.wait_for("sendMessage", 1, chat_id=CHAT)
            assert bridge.api.texts(CHAT) == [messages.LOCATION_INVALID]
        assert engine.calls == []

    asyncio.run(scenario())
