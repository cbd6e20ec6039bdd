"""`jiamenkou up` with the engine killed mid-conversation: the web service stays up, the
resident's message is queued with an apology, the engine comes back, the message is answered
and the resident continues where they were."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.engine.ports import free_port
from bot.templates import bridges as messages
from tests.channels.wechat.wechat_side import (
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    reply_fields,
    signed_query,
    text_xml,
)
from tests.conftest import load_sample_registry
from tests.helpers.loopback import serving
from tests.helpers.up_process import engine_pid, home_beside_the_checkout, running_up, wait_for

pytestmark = pytest.mark.engine

OPENID = "oSupervise_kill_engine_test1"


def test_a_killed_engine_comes_back_and_the_queued_message_is_answered(tmp_path: Path) -> None:
    home = home_beside_the_checkout(tmp_path)
    database_url = f"sqlite:///{tmp_path / 'up.db'}"
    load_sample_registry(Settings(JIAMENKOU_HOME=home, DATABASE_URL=database_url))
    engine_port, web_port = free_port(), free_port()
    api = FakeWeChatApi()

    async def scenario() -> str:
        async with serving(api.app()) as api_url:
            env = {
                **os.environ,
                "JIAMENKOU_HOME": str(home),
                "DATABASE_URL": database_url,
                "RASA_PORT": str(engine_port),
                "ACTION_PORT": str(free_port()),
                "WEB_PORT": str(web_port),
                "WECHAT_TOKEN": TOKEN,
                "WECHAT_APP_ID": APP_ID,
                "WECHAT_APP_SECRET": APP_SECRET,
                "WECHAT_API_BASE_URL": api_url,
                "JIAMENKOU_INBOUND_RETRY": "2",
            }
            env.pop("TELEGRAM_BOT_TOKEN", None)
            async with running_up("--no-train", cwd=tmp_path, env=env) as up:
                output = up.output
                await wait_for(lambda: up.said("ready in"), 300, output)
                async with httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{web_port}", timeout=30
                ) as http:

                    async def say(text: str) -> str:
                        response = await http.post(
                            "/wechat",
                            params=signed_query(),
                            content=text_xml(text, sender=OPENID),
                        )
                        assert response.status_code == 200
                        if response.text == "success":
                            return ""
                        return reply_fields(response.text)["Content"]

                    async def answered(words: str) -> None:
                        await wait_for(
                            lambda: any(words in t for t in api.texts(OPENID)), 300, output
                        )

                    first = await say("楼道里有人拉电线给电瓶车充电，太危险了")
                    if "哪里" not in first:
                        await answered("哪里")
                    os.kill(engine_pid(engine_port), signal.SIGKILL)
                    await wait_for(
                        lambda: any("killed by signal 9" in line for line in output), 30, output
                    )
                    # The web service is still up and takes the message with the apology.
                    assert (await http.get("/healthz")).status_code == 200
                    assert await say("和顺社区3栋2单元楼道") == messages.ENGINE_DOWN_QUEUED
                    await wait_for(
                        lambda: any("engine is back" in line for line in output), 300, output
                    )
                    # The queued answer is pushed: the form goes on to the next question.
                    await answered("电话")
                    summary = await say("不留")
                    if "请确认" not in summary:
                        await answered("请确认")
                        summary = "\n".join(api.texts(OPENID))
                    assert "和顺社区3栋2单元楼道" in summary
            return "".join(up.output)

    output = asyncio.run(scenario())
    assert "while starting" not in output
