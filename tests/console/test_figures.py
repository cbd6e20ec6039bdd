"""Figures: the numbers for a period, scoped to the viewer's grids, with the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.staff import AuditEntry
from bot.db.tickets import Severity
from bot.handoff import service as handoffs
from bot.tickets import lifecycle
from tests.console.conftest import GRID_A, GRID_B, Login
from tests.helpers.rasa_events import user, write_events
from tests.tickets.builders import NOW, file_ticket

FILED = NOW - timedelta(days=2)
PERIOD = {"since": "2026-11-10", "until": "2026-11-20"}


@pytest.fixture
def history(db_engine: Engine, factory: sessionmaker[Session]) -> None:
    staff = lifecycle.Actor.staff("wang")
    with factory.begin() as session:
        made = []
        for i, grid in enumerate((GRID_A, GRID_A, GRID_A, GRID_B)):
            ticket = file_ticket(session, now=FILED, user_id=f"5000{i}")
            ticket.grid = grid
            ticket.severity = Severity.ORDINARY
            ticket.due_at = FILED + timedelta(minutes=30)
            made.append(ticket)
        on_time, rejected, _overdue, late = made
        lifecycle.transfer(session=session, ticket=on_time, actor=staff, now=FILED, grid=GRID_A)
        lifecycle.close(
            session=session, ticket=on_time, actor=staff, now=FILED + timedelta(minutes=10),
            note="修好了",
        )  # fmt: skip
        lifecycle.reject(session=session, ticket=rejected, actor=staff, now=FILED, reason="重复")
        lifecycle.transfer(session=session, ticket=late, actor=staff, now=FILED, grid=GRID_B)
        lifecycle.close(
            session=session, ticket=late, actor=staff, now=FILED + timedelta(days=1), note="好了"
        )
        late.rating = 4
        handoff, _ = handoffs.request(
            session, conversation_id="c0000000000000aa", sender_id="wechat:oFig", channel="wechat",
            user_id="oFig", now=FILED, in_staff_hours=True,
            escalate_at=FILED + timedelta(minutes=10), paused=True,
        )  # fmt: skip
        handoffs.claim(
            session, conversation_id=handoff.conversation_id, by="wang",
            now=FILED + timedelta(minutes=6),
        )  # fmt: skip
    t = FILED.timestamp()
    write_events(
        db_engine,
        "telegram:50000",
        [
            user(t, "啊啊啊", "nlu_fallback", 0.7, ranking=[("nlu_fallback", 0.7), ("greet", 0.2)]),
            user(t + 1, "那个东西", "ask_services", 0.3),
            user(t + 2, "附近的党群服务站在哪", "find_station", 0.95),
        ],
    )


def test_admin_sees_every_grid(login: Login, history: None) -> None:
    admin, _ = login("admin")
    page = admin.get("/console/figures", params=PERIOD)
    assert page.status_code == 200
    text = page.text
    assert "66.7%" in text  # 办结率 2 closed of 3 taken on (the returned one not counted)
    assert "4.0 分" in text  # satisfaction from the one rating
    assert "6 分钟" in text  # median wait for a person
    assert "33.3%" in text  # one of three messages hit the fallback
    assert "<svg" in text and "每天的会话数" in text


def test_staff_figures_cover_their_grids(login: Login, history: None) -> None:
    wang, _ = login("wang")
    text = wang.get("/console/figures", params=PERIOD).text
    assert "50.0%" in text and "4.0 分" not in text
    assert wang.get("/console/figures", params={**PERIOD, "grid": GRID_B}).text.count("50.0%") == 0


def test_csv_export_has_the_same_numbers_and_is_audited(
    login: Login, history: None, factory: sessionmaker[Session]
) -> None:
    admin, _ = login("admin")
    response = admin.get("/console/figures.csv", params=PERIOD)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(response.text.lstrip("\ufeff")))}
    assert rows[("tickets", "closure_rate")] == "0.6667"
    assert rows[("on_time_rate", "ordinary")] == "0.3333"  # on time, overdue open, late
    assert rows[("open_per_grid", GRID_A)] == "1"
    assert rows[("conversations", "fallback_share")] == "0.3333"
    assert rows[("conversations", "low_confidence_share")] == "0.6667"
    assert rows[("handoffs", "median_wait_minutes")] == "6.0000"
    with factory() as session:
        assert session.scalars(
            select(AuditEntry).where(AuditEntry.action == "figures.export")
        ).one()


def test_bad_dates_fall_back_politely(login: Login) -> None:
    admin, _ = login("admin")
    page = admin.get("/console/figures", params={"since": "昨天", "until": "x"})
    assert page.status_code == 200 and "日期格式" in page.text
