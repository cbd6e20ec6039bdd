"""The nginx configuration the project renders, run by Debian's real nginx in front of small
loopback upstreams: requests alternate, a dead upstream is skipped, and a POST that reached an
upstream is never sent to a second one."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from bot.cli import build_parser
from bot.cli import main as cli
from bot.commands.balancer import Layout, layout_from_args, replicate
from bot.config import Settings
from bot.engine.balancer import BalancerPlan, nginx_binary, nginx_command, render, write_config
from bot.engine.ports import free_port
from bot.engine.processes import StackConfig
from bot.engine.project import RasaProject
from bot.errors import ConfigError

needs_nginx = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (scripts/setup.sh installs it)"
)


class Upstream:
    """An HTTP server that records what reached it; `hang_up` drops POSTs after reading them,
    as an engine killed mid-turn would."""

    def __init__(self, *, hang_up: bool = False) -> None:
        self.posts: list[bytes] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(b"get")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                upstream.posts.append(body)
                if hang_up:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._answer(body)

            def _answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def nginx(tmp_path: Path, engines: list[str]) -> Iterator[str]:
    plan = BalancerPlan(
        prefix=tmp_path / "nginx",
        listen="127.0.0.1",
        engine_port=free_port(),
        engines=engines,
        action_port=free_port(),
        action_servers=engines[:1],
    )
    plan.prefix.mkdir()
    write_config(plan)
    proc = subprocess.Popen(nginx_command(plan), stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(plan.health_url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{plan.engine_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@needs_nginx
def test_requests_alternate_and_a_dead_upstream_is_skipped(tmp_path: Path) -> None:
    first, second = Upstream(), Upstream()
    dead = f"127.0.0.1:{free_port()}"  # nothing listens: connection refused
    try:
        with nginx(tmp_path, [first.address, second.address, dead]) as url, httpx.Client() as http:
            served = []
            for i in range(6):
                response = http.post(f"{url}/webhooks/rest/webhook", content=f"m{i}".encode())
                assert response.status_code == 200 and response.text == f"m{i}"
                served.append(response.headers["X-Upstream"].split(", ")[-1])
            # An action call carries tracker and domain: far more than nginx's default buffer,
            # and nginx's unprivileged workers may not write temp files under this home.
            big = b"x" * 300_000
            response = http.post(f"{url}/webhook", content=big)
            assert response.status_code == 200 and response.content == big
            served.append(response.headers["X-Upstream"])
        assert set(served) == {first.address, second.address}
        # Round robin: consecutive turns go to different replicas.
        assert all(a != b for a, b in itertools.pairwise(served))
        assert len(first.posts) + len(second.posts) == 7
    finally:
        first.close()
        second.close()


@needs_nginx
def test_a_post_that_reached_an_engine_is_not_sent_to_another(tmp_path: Path) -> None:
    dying, healthy = Upstream(hang_up=True), Upstream()
    try:
        with nginx(tmp_path, [dying.address, healthy.address]) as url, httpx.Client() as http:
            codes = [
                http.post(f"{url}/webhooks/rest/webhook", content=f"m{i}".encode()).status_code
                for i in range(4)
            ]
        # The message that reached the dying engine got a 502 (the bridge queues and retries
        # it) and was not passed on: each message reached exactly one upstream.
        assert 502 in codes and 200 in codes
        assert sorted(dying.posts + healthy.posts) == [b"m0", b"m1", b"m2", b"m3"]
    finally:
        dying.close()
        healthy.close()


def test_the_rendered_file_routes_the_telegram_webhook_beside_the_web(tmp_path: Path) -> None:
    plan = BalancerPlan(
        prefix=tmp_path,
        listen="0.0.0.0",
        engine_port=5005,
        engines=["engine1:5005", "engine2:5005"],
        action_port=5055,
        action_servers=["actions:5055"],
        web_port=8000,
        webs=["web:8000"],
        telegram="telegram:8443",
        telegram_path="/telegram/hook",
    )
    text = render(plan)
    assert "server engine1:5005" in text and "server engine2:5005" in text
    assert "location = /telegram/hook" in text and "server telegram:8443;" in text
    assert "non_idempotent" not in text.split("#")[0]
    assert "proxy_next_upstream error timeout;" in text
    with pytest.raises(ConfigError):
        render(BalancerPlan(tmp_path, "x", 1, [], 2, ["a:1"]))


def test_balancer_print_shows_the_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(
        ["balancer", "--engines", "e1:5005,e2:5005", "--action-servers", "a1:5055", "--print"]
    )
    out = capsys.readouterr().out
    assert code == 0 and "server e2:5005 max_fails=1" in out
    assert cli(["balancer", "--engines", "e1", "--action-servers", "a1:5055", "--print"]) == 2


def up_args(*argv: str) -> argparse.Namespace:
    parser = build_parser()
    return parser.parse_args(["up", *argv])


def test_replicas_without_a_shared_record_say_what_to_set(tmp_path: Path) -> None:
    settings = Settings(JIAMENKOU_HOME=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert layout_from_args(up_args(), settings) is None  # the plain stack, as before
    with pytest.raises(ConfigError) as info:
        layout_from_args(up_args("--replicas", "3"), settings)
    assert "PostgreSQL" in str(info.value) and "REDIS_URL" in str(info.value)
    # One engine behind nginx needs neither.
    assert layout_from_args(up_args("--balancer"), settings) == Layout(1, 1, 1)


@needs_nginx
def test_replicas_get_the_ports_after_the_public_ones(tmp_path: Path) -> None:
    settings = Settings(
        JIAMENKOU_HOME=tmp_path,
        DATABASE_URL="postgresql+psycopg://u@db/x",
        REDIS_URL="redis://127.0.0.1:6379/1",
        RASA_PORT=5405,
        ACTION_PORT=5455,
        WEB_PORT=8401,
    )
    layout = layout_from_args(up_args("--replicas", "2", "--web-replicas", "2"), settings)
    assert layout == Layout(2, 1, 2)
    base = StackConfig(
        project=RasaProject(tmp_path), model=tmp_path / "m.tar.gz", host="127.0.0.1",
        engine_port=5405, action_port=5455, token="t", log_dir=tmp_path / "data" / "logs",
    )  # fmt: skip
    config = replicate(base, settings, layout)
    assert config.engines == {"engine 1": 5406, "engine 2": 5407}
    assert config.action_servers == {"action server 1": 5456}
    children = {child.name: child.port for child in config.extra_children}
    assert children == {"web 1": 8402, "web 2": 8403, "balancer": 8401}
    rendered = (tmp_path / "data" / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 127.0.0.1:5405;" in rendered and "server 127.0.0.1:5407 " in rendered
    assert "server 127.0.0.1:8403 " in rendered
