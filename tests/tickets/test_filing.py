"""Filing a report: validation, severity and deadlines, routing, phone, idempotency."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.tickets import Severity, Ticket, TicketEvent, TicketStatus
from bot.tickets import filing
from bot.tickets.errors import InvalidPhone, InvalidReport
from bot.tickets.filing import file_report
from tests.tickets.builders import NOW, add_site, file_ticket, make_report


def test_new_ticket_is_accepted_with_number_deadlines_and_route(db_session: Session) -> None:
    site = add_site(db_session)
    ticket = file_ticket(db_session, category="路灯损坏")
    assert ticket.number.startswith("GD") and len(ticket.number) == 8
    assert ticket.status is TicketStatus.ACCEPTED
    assert ticket.severity is Severity.COMPLEX
    assert ticket.due_at > NOW and ticket.follow_up_by > ticket.due_at
    assert (ticket.site_id, ticket.grid, ticket.community) == (site.id, "第一网格", "和顺社区")
    assert ticket.reporter_phone == "+8613812345678"
    [created] = ticket.events
    assert (created.kind, created.actor, created.to_status) == (
        "created", "resident:telegram:10001", "accepted",
    )  # fmt: skip


def test_numbers_are_unique_and_increasing(db_session: Session) -> None:
    numbers = [file_ticket(db_session).number for _ in range(3)]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)


def test_severity_given_by_the_caller_wins(db_session: Session) -> None:
    ticket = file_ticket(db_session, category="路灯损坏", severity=Severity.URGENT)
    assert ticket.severity is Severity.URGENT


def test_same_message_files_one_ticket(db_session: Session) -> None:
    first = file_report(session=db_session, report=make_report(message_id="tg-77"), now=NOW)
    again = file_report(
        session=db_session, report=make_report(message_id="tg-77", description="改了"), now=NOW
    )
    assert first.created and not again.created
    assert again.ticket.id == first.ticket.id
    assert db_session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_same_message_id_on_another_channel_is_another_report(db_session: Session) -> None:
    a = file_ticket(db_session, message_id="m-1", channel="telegram")
    b = file_ticket(db_session, message_id="m-1", channel="wechat")
    assert a.id != b.id


def test_lost_race_returns_the_winner_and_keeps_the_transaction_usable(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = file_ticket(db_session, message_id="race")
    # Simulate the race: the early lookup misses, the insert then hits the unique constraint.
    original = filing.find_by_message
    calls = {"n": 0}

    def miss_once(*, session: Session, channel: str, message_id: str) -> Ticket | None:
        calls["n"] += 1
        if calls["n"] == 1:
            return None
        return original(session=session, channel=channel, message_id=message_id)

    monkeypatch.setattr(filing, "find_by_message", miss_once)
    result = file_report(session=db_session, report=make_report(message_id="race"), now=NOW)
    assert not result.created and result.ticket.id == winner.id
    assert db_session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert db_session.scalar(select(func.count()).select_from(TicketEvent)) == 1
    file_ticket(db_session)  # the session still works


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": None, "lon": None, "address": None},
        {"lat": 30.9, "lon": None},
        {"lat": 91.0, "lon": 118.0},
        {"lat": float("nan"), "lon": 118.0},
        {"category": " "},
        {"user_id": ""},
    ],
)
def test_incomplete_reports_are_refused(db_session: Session, changes: dict[str, object]) -> None:
    with pytest.raises(InvalidReport):
        file_report(session=db_session, report=make_report(**changes), now=NOW)


def test_unknown_site_as_the_place_is_refused(db_session: Session) -> None:
    with pytest.raises(InvalidReport, match="site"):
        file_ticket(db_session, lat=None, lon=None, address=None, place_site_id=999)
    site = add_site(db_session)
    ticket = file_ticket(db_session, lat=None, lon=None, address=None, place_site_id=site.id)
    assert ticket.place_site_id == site.id and ticket.site_id == site.id


def test_address_alone_is_a_location(db_session: Session) -> None:
    ticket = file_ticket(db_session, lat=None, lon=None, address="人民路12号")
    assert ticket.lat is None and ticket.address == "人民路12号"


@pytest.mark.parametrize("phone", ["12345", "abc", "1381234567"])
def test_invalid_phone_is_refused(db_session: Session, phone: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        file_report(session=db_session, report=make_report(phone=phone), now=NOW)
    assert phone not in str(caught.value)


def test_phone_is_optional(db_session: Session) -> None:
    assert file_ticket(db_session, phone=None).reporter_phone is None
    assert file_ticket(db_session, phone="  ").reporter_phone is None


def test_photos_are_kept_as_references_and_capped(db_session: Session) -> None:
    photos = [f"tg-file-{i}" for i in range(12)]
    ticket = file_ticket(db_session, photos=photos)
    assert ticket.photos == photos[:9]


def test_report_without_registry_stays_unrouted(db_session: Session) -> None:
    ticket = file_ticket(db_session)
    assert ticket.site_id is None and ticket.grid is None


def test_replace_keeps_report_frozen() -> None:
    report = make_report()
    assert replace(report, category="漏水").category == "漏水"
    with pytest.raises(AttributeError):
        report.category = "漏水"  # type: ignore[misc]
