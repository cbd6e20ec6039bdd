"""`jiamenkou up --replicas 2` on PostgreSQL and Redis: two real engines behind Debian's nginx.
A report whose turns go to both replicas keeps its form state; when one replica is killed
(SIGKILL) nginx sends the next turns to the live one, and no message is lost or processed
twice (CI sets TEST_POSTGRES_URL and TEST_REDIS_URL)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.engine.balancer import nginx_binary
from bot.engine.ports import port_is_free
from tests.conftest import load_sample_registry
from tests.helpers.up_process import engine_pid, home_beside_the_checkout, running_up, wait_for

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [
    pytest.mark.engine,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL), reason="needs TEST_POSTGRES_URL and TEST_REDIS_URL"
    ),
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (scripts/setup.sh)"),
    # Two engines loading at once on a busy 2-core machine take several minutes.
    pytest.mark.timeout(1800),
]
TOKEN = "replica-test-token"


def free_run(length: int) -> int:
    """A port with the next `length - 1` free too (replica i listens on the base port + i)."""
    for base in range(21000, 60000, 97):
        if all(port_is_free("127.0.0.1", base + i) for i in range(length)):
            return base
    raise AssertionError("no free ports")


@pytest.fixture
def database() -> Iterator[str]:
    assert POSTGRES_URL is not None
    name = f"jmk_replicas_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_turns_alternate_between_replicas_and_a_killed_one_loses_nothing(
    tmp_path: Path, database: str
) -> None:
    home = home_beside_the_checkout(tmp_path)
    load_sample_registry(Settings(JIAMENKOU_HOME=home, DATABASE_URL=database))
    base = free_run(7)  # nginx on each public port, the replicas on the ports after it
    engine_port, action_port, web_port = base, base + 3, base + 5
    env = {
        **os.environ,
        "JIAMENKOU_HOME": str(home),
        "DATABASE_URL": database,
        "REDIS_URL": str(REDIS_URL),
        "RASA_TOKEN": TOKEN,
        "RASA_PORT": str(engine_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "JIAMENKOU_READY_TIMEOUT": "900",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    replicas = {f"127.0.0.1:{engine_port + 1}", f"127.0.0.1:{engine_port + 2}"}

    async def scenario() -> None:
        async with running_up(
            "--no-train", "--replicas", "2", cwd=tmp_path, env=env, stop=signal.SIGTERM
        ) as up:
            output = up.output

            def ready() -> bool:
                if up.process.returncode is not None:
                    raise AssertionError("`up` exited:\n" + "".join(output[-30:]))
                return any("ready in" in line for line in output)

            await wait_for(ready, 960, output)
            assert "nginx in front of 2 engines" in "".join(output)
            who = f"terminal:{uuid.uuid4().hex[:12]}"
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{engine_port}",
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=120,
            ) as http:
                served: list[str] = []

                async def say(message: str) -> str:
                    response = await http.post(
                        "/webhooks/rest/webhook", json={"sender": who, "message": message}
                    )
                    assert response.status_code == 200, response.text
                    served.append(response.headers["X-Upstream"].split(", ")[-1])
                    return "\n".join(str(m.get("text") or "") for m in response.json())

                # Each turn on another replica: the form's slots live in the shared record.
                assert "哪里" in await say("楼道里有人拉电线给电瓶车充电，太危险了")
                assert "电话" in await say("和顺社区3栋2单元楼道")
                assert set(served) == replicas, served

                # Kill the replica round robin would pick next; nginx is refused by it and
                # passes the turn to the live one, which carries on with the form.
                victim = served[0]
                victim_pid = engine_pid(int(victim.rsplit(":", 1)[1]))
                os.kill(victim_pid, signal.SIGKILL)
                # Until the kernel has closed its sockets a turn sent to it would still reach
                # it and get a 502 (never passed on: the bridges queue those). Once it is gone
                # its port refuses, and nginx passes the turn on. (The supervisor starts it
                # again, but an engine takes far longer than these turns to listen.)
                while Path(f"/proc/{victim_pid}").exists():
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.5)
                summary = await say("13812345678")
                assert "飞线充电" in summary and "138****5678" in summary
                filed = await say("/affirm")
                assert re.search(r"GD\d{6}", filed), filed
                assert victim not in served[2:], served

                # Every message is in the record once, in order: none lost, none repeated.
                tracker = await http.get(f"/conversations/{who}/tracker", params={"token": TOKEN})
                assert tracker.status_code == 200
                said = [e["text"] for e in tracker.json()["events"] if e["event"] == "user"]
                assert said == [
                    "楼道里有人拉电线给电瓶车充电，太危险了",
                    "和顺社区3栋2单元楼道",
                    "13812345678",
                    "/affirm",
                ]

    asyncio.run(scenario())
