"""The ticket queue and actions: grid scoping, roles, CSRF, notification and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.outbox import OutboxMessage
from bot.db.staff import AuditEntry
from bot.db.tickets import Ticket, TicketStatus
from tests.console.conftest import GRID_A, GRID_B, Login
from tests.tickets.builders import NOW, file_ticket


@pytest.fixture
def tickets(factory: sessionmaker[Session]) -> dict[str, str]:
    """An overdue ticket in grid A (filed days ago), one in grid B: grid -> number."""
    with factory.begin() as session:
        a = file_ticket(session, now=NOW - timedelta(days=2), user_id="20001")
        a.grid = GRID_A
        b = file_ticket(session, now=NOW - timedelta(days=2), user_id="20002", category="噪音扰民")
        b.grid = GRID_B
        session.flush()
        return {GRID_A: a.number, GRID_B: b.number}


def _ticket(factory: sessionmaker[Session], number: str) -> Ticket:
    with factory() as session:
        found = session.scalars(select(Ticket).where(Ticket.id == int(number[2:]))).one()
        session.expunge(found)
        return found


def test_staff_see_only_their_grids_tickets_with_the_overdue_clock(
    login: Login, tickets: dict[str, str]
) -> None:
    client, _ = login("wang")
    page = client.get("/console/tickets")
    assert page.status_code == 200
    assert tickets[GRID_A] in page.text and tickets[GRID_B] not in page.text
    assert "超时" in page.text
    assert client.get("/console/tickets", params={"grid": GRID_B}).text.count("GD") == 0


def test_other_grids_ticket_is_not_found_and_cannot_be_changed(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, csrf = login("wang")
    other = tickets[GRID_B]
    assert client.get(f"/console/tickets/{other}").status_code == 404
    response = client.post(
        f"/console/tickets/{other}/status",
        data={"csrf_token": csrf, "to": "rejected", "note": "不是我们的"},
    )
    assert response.status_code == 404
    assert _ticket(factory, other).status is TicketStatus.ACCEPTED


def test_closing_a_ticket_notifies_the_resident_and_is_audited(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, csrf = login("wang")
    number = tickets[GRID_A]
    for to in ("dispatched",):
        # 已受理 → 已派单 is a transfer; the status form offers what lifecycle allows.
        assert to not in client.get(f"/console/tickets/{number}").text.split('name="to"')[1][:300]
    response = client.post(
        f"/console/tickets/{number}/status",
        data={"csrf_token": csrf, "to": "rejected", "note": "经核实为重复反映"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _ticket(factory, number).status is TicketStatus.REJECTED
    with factory() as session:
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.ticket_id == int(number[2:]))
        ).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.status"))
        entry = audit.one()
    assert any("经核实为重复反映" in m.text for m in queued)
    assert entry.actor == "wang" and entry.target == number


def test_transfer_then_close_the_way_the_command_line_does(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, csrf = login("admin")
    number = tickets[GRID_A]
    client.post(
        f"/console/tickets/{number}/transfer",
        data={"csrf_token": csrf, "grid": GRID_A, "note": "请网格员处理"},
    )
    response = client.post(
        f"/console/tickets/{number}/status",
        data={"csrf_token": csrf, "to": "closed", "note": "已修好路灯"},
    )
    assert response.status_code == 200 and "已通知反映人" in response.text
    ticket = _ticket(factory, number)
    assert ticket.status is TicketStatus.CLOSED and ticket.closed_at is not None
    with factory() as session:
        kinds = [
            m.kind
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
            )
        ]
    assert "rating_request" in kinds  # closing asks for the 回访 rating, as the CLI does


def test_a_refused_change_keeps_the_note_and_changes_nothing(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, csrf = login("wang")
    number = tickets[GRID_A]
    response = client.post(
        f"/console/tickets/{number}/status",
        data={"csrf_token": csrf, "to": "closed", "note": "想直接办结"},
    )
    assert response.status_code == 409
    assert "不能改为所选状态" in response.text and "想直接办结" in response.text
    assert _ticket(factory, number).status is TicketStatus.ACCEPTED
    empty = client.post(
        f"/console/tickets/{number}/status", data={"csrf_token": csrf, "to": "rejected"}
    )
    assert empty.status_code == 409 and "需要填写" in empty.text


def test_actions_without_csrf_token_are_refused(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, _ = login("wang")
    number = tickets[GRID_A]
    for token in ("", "forged-token"):
        response = client.post(
            f"/console/tickets/{number}/status",
            data={"csrf_token": token, "to": "rejected", "note": "x"},
        )
        assert response.status_code == 403
    assert _ticket(factory, number).status is TicketStatus.ACCEPTED


def test_trainer_reads_every_grid_but_acts_on_none(
    login: Login, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    client, csrf = login("trainer")
    page = client.get("/console/tickets")
    assert tickets[GRID_A] in page.text and tickets[GRID_B] in page.text
    assert "更改状态" not in client.get(f"/console/tickets/{tickets[GRID_A]}").text
    for action, data in (
        ("status", {"to": "rejected", "note": "x"}),
        ("transfer", {"grid": GRID_B}),
        ("severity", {"severity": "urgent"}),
    ):
        response = client.post(
            f"/console/tickets/{tickets[GRID_A]}/{action}", data={"csrf_token": csrf, **data}
        )
        assert response.status_code == 403, action
    assert _ticket(factory, tickets[GRID_A]).status is TicketStatus.ACCEPTED


def test_anonymous_cannot_read_or_change_tickets(
    app_client: TestClient, tickets: dict[str, str], factory: sessionmaker[Session]
) -> None:
    number = tickets[GRID_A]
    for path in ("/console/tickets", f"/console/tickets/{number}"):
        assert app_client.get(path, follow_redirects=False).status_code == 303
    response = app_client.post(
        f"/console/tickets/{number}/status",
        data={"to": "rejected", "note": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "/console/login" in response.headers["location"]
    assert _ticket(factory, number).status is TicketStatus.ACCEPTED


@pytest.mark.parametrize("number", ["GD999999", "not-a-number", "GD'--"])
def test_unknown_or_malformed_ticket_numbers_get_a_polite_page(login: Login, number: str) -> None:
    client, _ = login("admin")
    response = client.get(f"/console/tickets/{number}")
    assert response.status_code == 404 and "没有这个工单编号" in response.text


def test_transfer_to_another_grid_hands_the_ticket_over(
    login: Login, tickets: dict[str, str]
) -> None:
    wang, csrf = login("wang")
    number = tickets[GRID_A]
    response = wang.post(
        f"/console/tickets/{number}/transfer",
        data={"csrf_token": csrf, "grid": GRID_B, "note": "属于新华社区"},
    )
    assert response.status_code == 404  # done, and no longer wang's to see
    li, _ = login("li")
    assert number in li.get("/console/tickets").text
