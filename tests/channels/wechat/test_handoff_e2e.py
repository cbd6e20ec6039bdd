"""Through the real engine and the WeChat bridge (fake WeChat API at the network edge): a
resident asks for a person, staff reply from the command line, the assistant stays silent
while they hold the conversation and answers again once it is released; and "forget me"."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from sqlalchemy import select

from bot.cli import main as cli
from bot.commands.serve import outbound_senders
from bot.config import Settings
from bot.conversations.ids import conversation_id
from bot.db.session import make_engine, make_session_factory
from bot.db.tickets import Ticket
from bot.engine.client import EngineClient
from bot.engine.processes import StackConfig
from bot.notifications.dispatcher import deliver_pending
from tests.channels.wechat.conftest import Callback, running
from tests.channels.wechat.wechat_side import reply_fields, signed_query, text_xml
from tests.e2e.test_conversation_record import use_settings
from tests.helpers.rasa_events import count_events

pytestmark = pytest.mark.engine


async def say(cb: Callback, user: str, text: str) -> str:
    response = await cb.http.post(
        "/wechat", params=signed_query(), content=text_xml(text, sender=user)
    )
    assert response.status_code == 200
    return "" if response.text == "success" else reply_fields(response.text)["Content"]


async def staff(*args: str) -> tuple[int, str]:
    """Runs a `jiamenkou` command in a thread (it talks to the engine synchronously)."""
    import contextlib
    import io

    buffer = io.StringIO()

    def run() -> int:
        with contextlib.redirect_stdout(buffer):
            return cli(list(args))

    code = await asyncio.to_thread(run)
    return code, buffer.getvalue()


def test_staff_take_over_reply_and_hand_back(
    e2e_settings: Settings, engine_stack: StackConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = f"oHandoff_{uuid.uuid4().hex[:20]}"
    cid = conversation_id(f"wechat:{user}", secret=e2e_settings.conversation_id_secret)
    use_settings(monkeypatch, e2e_settings)
    db = make_engine(e2e_settings.effective_database_url)
    factory = make_session_factory(db)

    async def scenario() -> None:
        engine = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            async with running(e2e_settings, factory, engine, wechat_reply_budget_s=4.5) as cb:
                asked = await say(cb, user, "我要找人工客服")
                assert "工作人员" in asked and "稍等" in asked

                code, out = await staff("handoff", "list", "--json")
                assert code == 0
                waiting = next(h for h in json.loads(out) if h["id"] == cid)
                assert waiting["state"] == "waiting" and waiting["channel"] == "wechat"
                assert user not in out

                # While a person has it, the assistant says nothing, but the message is kept.
                assert await say(cb, user, "我想问一下老年卡在哪里办") == ""

                code, _ = await staff(
                    "handoff", "reply", cid, "您好，老年卡在社区服务中心一楼办理。", "--by", "王芳"
                )
                assert code == 0
                code, out = await staff("handoff", "claim", cid, "--by", "李强")
                assert code == 10  # claim is exclusive: 王芳 holds it
                senders = outbound_senders(cb.settings)
                await deliver_pending(session_factory=factory, senders=senders)
                assert any("老年卡在社区服务中心一楼" in t for t in cb.api.texts(user))

                assert await say(cb, user, "好的谢谢，需要带什么") == ""

                code, out = await staff("conversations", "show", cid, "--json")
                assert code == 0
                turns = json.loads(out)["turns"]
                users = [t["user"] for t in turns]
                assert "我想问一下老年卡在哪里办" in users and "好的谢谢，需要带什么" in users
                silent = next(t for t in turns if t["user"] == "好的谢谢，需要带什么")
                assert silent["paused"] and silent["bot"] == []
                assert any(r["by"] == "王芳" for t in turns for r in t["staff"])
                code, out = await staff("conversations", "list", "--handoff", "--json")
                assert next(c for c in json.loads(out) if c["id"] == cid)["handoff"] == "held"

                code, _ = await staff("handoff", "release", cid, "--by", "王芳")
                assert code == 0
                await deliver_pending(session_factory=factory, senders=senders)
                assert any("小助手继续" in t for t in cb.api.texts(user))
                back = await say(cb, user, "你好")
                assert "我是家门口社区小助手" in back  # the greeting, not the handoff again
                code, out = await staff("handoff", "list", "--json")
                assert cid not in {h["id"] for h in json.loads(out)}
                for sender in senders.values():
                    close = getattr(sender, "aclose", None)
                    if close is not None:
                        await close()
        finally:
            await engine.aclose()

    try:
        asyncio.run(scenario())
    finally:
        db.dispose()


def test_forget_me_deletes_the_record_and_keeps_the_ticket(
    e2e_settings: Settings, engine_stack: StackConfig
) -> None:
    user = f"oForget_{uuid.uuid4().hex[:20]}"
    sender = f"wechat:{user}"
    db = make_engine(e2e_settings.effective_database_url)
    tracker = make_engine(e2e_settings.effective_tracker_database_url)
    factory = make_session_factory(db)

    def events_of_sender() -> int:
        return count_events(tracker, sender)

    async def scenario() -> None:
        engine = EngineClient(engine_stack.engine_url, engine_stack.token, timeout_s=60)
        try:
            async with running(e2e_settings, factory, engine, wechat_reply_budget_s=4.5) as cb:
                assert "哪里" in await say(cb, user, "小区门口的路灯坏了好几天了")
                assert "电话" in await say(cb, user, "和顺社区5栋门口")
                assert "确认" in await say(cb, user, "不留")
                filed = await say(cb, user, "确认")
                assert "GD" in filed, filed
                assert events_of_sender() > 0
                forgotten = await say(cb, user, "删除我的聊天记录")
                assert "已删除" in forgotten
                assert events_of_sender() == 0
                # The conversation starts afresh; the ticket is still the resident's.
                assert "GD" in await say(cb, user, "查一下我的工单")
        finally:
            await engine.aclose()

    try:
        asyncio.run(scenario())
        with factory.begin() as session:
            ticket = session.scalars(select(Ticket).where(Ticket.channel_user_id == user)).one()
            assert ticket.category == "路灯损坏"
    finally:
        db.dispose()
        tracker.dispose()
