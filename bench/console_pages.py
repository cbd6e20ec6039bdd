"""Benchmark (not a test): staff console page times on a filled SQLite database.

Fills a fresh database with N tickets (spread over 20 grids, a third overdue) and M
conversations of 6 resident messages each in the tracker store, then measures p50/p95 of
GET /console/tickets (staff of one grid and admin), /console/conversations (admin),
/console/figures (admin, 30 days) and, as the baseline of the same run, /healthz — each
through Starlette's TestClient in one process (no network).

    .venv/bin/python bench/console_pages.py [--tickets 5000] [--conversations 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.db.staff import StaffRole
from bot.staff.accounts import create_account
from bot.tickets.filing import NewReport, file_report
from bot.web.app import create_app
from tests.helpers.rasa_events import session_started, user, write_events

SEED = 7
PASSWORD = "bench-password-1"
ROOT = Path(__file__).resolve().parent.parent


def fill(url: str, *, tickets: int, conversations: int) -> None:
    rng = random.Random(SEED)
    engine = make_engine(url)
    upgrade_to_head(engine)
    now = utcnow()
    factory = make_session_factory(engine)
    with factory.begin() as session:
        for i in range(tickets):
            filed = now - timedelta(minutes=rng.randint(1, 60 * 24 * 20))
            ticket = file_report(
                session=session,
                report=NewReport(
                    channel="telegram", user_id=str(100000 + i % conversations),
                    category="路灯损坏", description="路灯不亮", lat=None, lon=None,
                    address="和顺路1号", phone=None, message_id=f"b{i}",
                ),
                now=filed,
            ).ticket  # fmt: skip
            ticket.grid = f"第{i % 20 + 1}网格"
        for name, role, grids in (
            ("admin", StaffRole.ADMIN, []),
            ("wang", StaffRole.STAFF, ["第1网格"]),
        ):
            create_account(session=session, username=name, password=PASSWORD, role=role,
                           grids=grids, now=now)  # fmt: skip
    t0 = (now - timedelta(days=10)).timestamp()
    for c in range(conversations):
        t = t0 + c * 60
        events = [session_started(t)] + [
            user(t + k, f"第{k}句话", "find_station", rng.random()) for k in range(1, 7)
        ]
        write_events(engine, f"telegram:{100000 + c}", events)
    engine.dispose()


def login(client: TestClient, name: str) -> None:
    page = client.get("/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/console/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert response.status_code == 200, response.status_code


def measure(client: TestClient, path: str, runs: int) -> tuple[float, float]:
    client.get(path)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        fill(url, tickets=args.tickets, conversations=args.conversations)
        settings = Settings(JIAMENKOU_HOME=ROOT, DATABASE_URL=url, TRACKER_DATABASE_URL=url)
        print(f"{args.tickets} tickets, {args.conversations} conversations x 6 messages, "
              f"{args.runs} runs each (ms)")  # fmt: skip
        for who, paths in (
            (
                "admin",
                ["/healthz", "/console/tickets", "/console/conversations", "/console/figures"],
            ),
            ("wang", ["/console/tickets", "/console/conversations"]),
        ):
            with TestClient(create_app(settings)) as client:
                login(client, who)
                for path in paths:
                    p50, p95 = measure(client, path, args.runs)
                    print(f"| {who} | `{path}` | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
