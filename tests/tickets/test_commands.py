"""`jiamenkou tickets …` and `jiamenkou apikey …` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.migrate import upgrade_to_head
from bot.db.outbox import OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.db.tickets import Severity, TicketStatus
from bot.tickets.queries import get_ticket
from bot.web.api_keys import verify_api_key
from tests.tickets.builders import file_ticket


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no developer .env
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    upgrade_to_head(engine)
    with make_session_factory(engine).begin() as session:
        file_ticket(session, category="漏水", description="楼上漏水 电话13812345678")
        file_ticket(session, category="噪音扰民", user_id="other")
    engine.dispose()
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_as_text_and_json(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tickets", "list")
    assert code == 0
    assert "GD000002  已受理" in out and "办结率 0.0%" in out and "共 2 件" in out
    code, out, _ = run(capsys, "tickets", "list", "--json", "--status", "已受理")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["number"] for r in rows] == ["GD000002", "GD000001"]
    assert rows[1]["phone"] == "138****5678" and "13812345678" not in out
    assert rows[1]["address"] == "幸福里小区**"


def test_show_gives_staff_the_exact_place_but_never_the_phone(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "tickets", "show", "gd-1", "--json")
    shown = json.loads(out)
    assert (
        code == 0 and shown["address"] == "幸福里小区3栋2单元" and shown["phone"] == "138****5678"
    )
    assert shown["description"] == "楼上漏水 电话138****5678"
    assert [e["kind"] for e in shown["events"]] == ["created"]
    code, out, _ = run(capsys, "tickets", "show", "GD000001")
    assert "status_label: 已受理" in out and "13812345678" not in out


def test_status_change_notifies_the_reporter(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "tickets", "status", "GD000001", "已派单", "--note", "派给网格员",
                       "--by", "王")  # fmt: skip
    assert code == 0 and "已派单" in out
    code, _, _ = run(capsys, "tickets", "status", "GD000001", "closed", "--note", "已修好")
    assert code == 0
    code, _, err = run(capsys, "tickets", "status", "GD000001", "closed", "--note", "再来")
    assert code == 23 and "already closed" in err
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        ticket = get_ticket(session=session, number="GD000001")
        assert ticket.status is TicketStatus.CLOSED
        assert [e.actor for e in ticket.events][1] == "staff:王"
        kinds = [m.kind for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        assert kinds == ["status", "rating_request"]
    engine.dispose()


def test_assign_and_severity(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tickets", "assign", "GD000002", "--grid", "第二网格", "--by", "李")
    assert code == 0 and "第二网格" in out
    code, _, _ = run(capsys, "tickets", "severity", "GD000002", "urgent", "--by", "李")
    assert code == 0
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        ticket = get_ticket(session=session, number="GD000002")
        assert (ticket.grid, ticket.status, ticket.severity) == (
            "第二网格", TicketStatus.DISPATCHED, Severity.URGENT,
        )  # fmt: skip
    engine.dispose()
    assert run(capsys, "tickets", "assign", "GD000002")[0] != 0


def test_missing_ticket_and_bad_status(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "tickets", "show", "GD999999")
    assert code == 21 and "no ticket GD999999" in err
    with pytest.raises(SystemExit):
        main(["tickets", "status", "GD000001", "done", "--note", "x"])


def test_apikey_create_prints_the_key_once(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "apikey", "create", "hotline")
    key = out.splitlines()[0]
    assert code == 0 and key.startswith("jmk_")
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        assert verify_api_key(session=session, key=key) is not None
    code, _, err = run(capsys, "apikey", "create", "hotline")
    assert code == 30 and "exists" in err
    assert run(capsys, "apikey", "revoke", "hotline")[0] == 0
    with make_session_factory(engine)() as session:
        assert verify_api_key(session=session, key=key) is None
    engine.dispose()
