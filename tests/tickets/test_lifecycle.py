"""Life cycle: every allowed change, the refused ones, the audit trail and the notifications."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.outbox import OutboxMessage
from bot.db.tickets import Severity, Ticket, TicketEvent, TicketStatus
from bot.tickets import lifecycle
from bot.tickets.errors import IllegalTransition, NotAllowed, TicketAlreadyFinished
from bot.tickets.lifecycle import ALLOWED, Actor
from tests.tickets.builders import NOW, file_ticket

S = TicketStatus
STAFF = Actor.staff("王网格员")
LATER = NOW + timedelta(minutes=20)


def move(session: Session, ticket: Ticket, *path: TicketStatus) -> Ticket:
    for step in path:
        lifecycle.change_status(
            session=session, ticket=ticket, to=step, actor=STAFF, now=LATER, note=f"到{step}"
        )
    return ticket


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# Shortest way from 已受理 to each status.
REACH = {
    S.ACCEPTED: (),
    S.DISPATCHED: (S.DISPATCHED,),
    S.IN_PROGRESS: (S.DISPATCHED, S.IN_PROGRESS),
    S.CLOSED: (S.DISPATCHED, S.IN_PROGRESS, S.CLOSED),
    S.REJECTED: (S.REJECTED,),
}
ALLOWED_PAIRS = [(a, b) for a, targets in ALLOWED.items() for b in targets]
REFUSED_PAIRS = [(a, b) for a, b in product(S, S) if b not in ALLOWED[a]]


@pytest.mark.parametrize(("start", "to"), ALLOWED_PAIRS)
def test_allowed_change_is_applied_audited_and_notified(
    db_session: Session, start: TicketStatus, to: TicketStatus
) -> None:
    ticket = move(db_session, file_ticket(db_session), *REACH[start])
    before = len(ticket.events)
    lifecycle.change_status(
        session=db_session, ticket=ticket, to=to, actor=STAFF, now=LATER, note="处理说明"
    )
    db_session.flush()
    assert ticket.status is to and ticket.updated_at == LATER
    event = ticket.events[-1]
    assert len(ticket.events) == before + 1
    assert (event.actor, event.from_status, event.to_status, event.note, event.at) == (
        "staff:王网格员", start.value, to.value, "处理说明", LATER,
    )  # fmt: skip
    message = outbox(db_session)[-1]
    assert (message.channel, message.user_id, message.ticket_id) == (
        "telegram", "10001", ticket.id,
    )  # fmt: skip
    assert ticket.number in message.text


@pytest.mark.parametrize(("start", "to"), REFUSED_PAIRS)
def test_refused_change_raises_and_leaves_no_trace(
    db_session: Session, start: TicketStatus, to: TicketStatus
) -> None:
    ticket = move(db_session, file_ticket(db_session), *REACH[start])
    events, messages = len(ticket.events), len(outbox(db_session))
    expected = TicketAlreadyFinished if not start.is_open else IllegalTransition
    with pytest.raises(expected):
        lifecycle.change_status(
            session=db_session, ticket=ticket, to=to, actor=STAFF, now=LATER, note="x"
        )
    assert ticket.status is start
    assert len(ticket.events) == events and len(outbox(db_session)) == messages


def test_closing_twice_is_a_named_error(db_session: Session) -> None:
    ticket = move(db_session, file_ticket(db_session), S.DISPATCHED)
    lifecycle.close(session=db_session, ticket=ticket, actor=STAFF, now=LATER, note="已修好")
    assert ticket.closed_at == LATER
    with pytest.raises(TicketAlreadyFinished):
        lifecycle.close(session=db_session, ticket=ticket, actor=STAFF, now=LATER, note="再关")


@pytest.mark.parametrize(
    "actor", [Actor.resident("telegram", "10001"), Actor.resident("telegram", "stranger")]
)
def test_residents_cannot_change_status_even_of_their_own_ticket(
    db_session: Session, actor: Actor
) -> None:
    ticket = file_ticket(db_session)
    with pytest.raises(NotAllowed):
        lifecycle.dispatch(session=db_session, ticket=ticket, actor=actor, now=LATER)
    with pytest.raises(NotAllowed):
        lifecycle.transfer(session=db_session, ticket=ticket, actor=actor, now=LATER, grid="X")
    assert ticket.status is S.ACCEPTED


@pytest.mark.parametrize("to", [S.CLOSED, S.REJECTED])
def test_closing_and_returning_need_a_note(db_session: Session, to: TicketStatus) -> None:
    ticket = move(db_session, file_ticket(db_session), S.DISPATCHED)
    with pytest.raises(IllegalTransition, match="note"):
        lifecycle.change_status(
            session=db_session, ticket=ticket, to=to, actor=STAFF, now=LATER, note="  "
        )


def test_return_keeps_the_reason_and_tells_the_reporter(db_session: Session) -> None:
    ticket = file_ticket(db_session)
    lifecycle.reject(
        session=db_session, ticket=ticket, actor=STAFF, now=LATER, reason="不属于社区管辖"
    )
    assert ticket.status_note == "不属于社区管辖"
    assert "原因：不属于社区管辖" in outbox(db_session)[-1].text


def test_closing_asks_for_a_rating_with_buttons(db_session: Session) -> None:
    ticket = move(db_session, file_ticket(db_session), S.DISPATCHED, S.IN_PROGRESS)
    lifecycle.close(session=db_session, ticket=ticket, actor=STAFF, now=LATER, note="已更换灯泡。")
    message = outbox(db_session)[-1]
    assert message.kind == "rating_request"
    assert "处理结果：已更换灯泡。" in message.text and "1-5分" in message.text
    assert [b["title"][0] for b in message.buttons] == ["5", "4", "3", "2", "1"]
    assert ticket.number in message.buttons[0]["payload"]


def test_transfer_moves_to_another_grid_and_records_both(db_session: Session) -> None:
    ticket = move(db_session, file_ticket(db_session), S.DISPATCHED, S.IN_PROGRESS)
    ticket.grid = "第一网格"
    lifecycle.transfer(
        session=db_session, ticket=ticket, actor=STAFF, now=LATER, grid="第二网格",
        department="城管", note="需执法",
    )  # fmt: skip
    assert (ticket.status, ticket.grid, ticket.department) == (S.DISPATCHED, "第二网格", "城管")
    event = ticket.events[-1]
    assert event.kind == "transfer"
    assert event.details == {
        "from": {"grid": "第一网格", "department": None, "site_id": None},
        "to": {"grid": "第二网格", "department": "城管", "site_id": None},
    }
    assert "已转交" in outbox(db_session)[-1].text


def test_first_assignment_reads_as_dispatch(db_session: Session) -> None:
    ticket = file_ticket(db_session)
    lifecycle.transfer(session=db_session, ticket=ticket, actor=STAFF, now=LATER, grid="第三网格")
    assert ticket.status is S.DISPATCHED
    assert "已派单给第三网格" in outbox(db_session)[-1].text


def test_transfer_needs_a_target_and_an_open_ticket(db_session: Session) -> None:
    ticket = file_ticket(db_session)
    with pytest.raises(IllegalTransition):
        lifecycle.transfer(session=db_session, ticket=ticket, actor=STAFF, now=LATER)
    lifecycle.reject(session=db_session, ticket=ticket, actor=STAFF, now=LATER, reason="重复")
    with pytest.raises(TicketAlreadyFinished):
        lifecycle.transfer(session=db_session, ticket=ticket, actor=STAFF, now=LATER, grid="X")


def test_severity_change_recomputes_deadlines_from_the_report_time(db_session: Session) -> None:
    ticket = file_ticket(db_session, category="路灯损坏")
    assert ticket.severity is Severity.COMPLEX
    lifecycle.change_severity(
        session=db_session, ticket=ticket, severity=Severity.URGENT, actor=STAFF, now=LATER
    )
    assert ticket.due_at == NOW + timedelta(minutes=10)
    assert ticket.events[-1].details == {"from": "complex", "to": "urgent"}
    with pytest.raises(NotAllowed):
        lifecycle.change_severity(
            session=db_session, ticket=ticket, severity=Severity.MAJOR,
            actor=Actor.resident("telegram", "10001"), now=LATER,
        )  # fmt: skip


def test_audit_rows_cannot_be_changed_or_deleted(db_session: Session) -> None:
    ticket = file_ticket(db_session)
    db_session.flush()
    event = db_session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).one()
    with pytest.raises(PermissionError), db_session.begin_nested():
        event.note = "rewritten"
        db_session.flush()
    with pytest.raises(PermissionError), db_session.begin_nested():
        db_session.delete(event)
        db_session.flush()
    assert db_session.get(TicketEvent, event.id) is not None
