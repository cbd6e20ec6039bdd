"""Many reports at once, each in its own thread and session: no loss, no duplicate, and a
message filed twice at the same moment still makes one ticket."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import make_session_factory
from bot.db.tickets import Ticket, TicketEvent
from bot.tickets.filing import file_report
from tests.helpers.database import POSTGRES_URL
from tests.tickets.builders import NOW, add_site, make_report


def file_many(engine: Engine, reports: int, workers: int) -> dict[str, set[str]]:
    """File `reports` messages, each sent twice, in random order; message id -> numbers."""
    factory = make_session_factory(engine)
    with factory.begin() as session:
        add_site(session)
    messages = [f"m{i:04d}" for i in range(reports)] * 2
    random.Random(1341).shuffle(messages)

    def submit(message_id: str) -> tuple[str, str]:
        report = make_report(user_id=f"u{message_id}", message_id=message_id)
        with factory.begin() as session:
            return message_id, file_report(session=session, report=report, now=NOW).ticket.number

    numbers: dict[str, set[str]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for message_id, number in pool.map(submit, messages):
            numbers.setdefault(message_id, set()).add(number)
    return numbers


def check(factory: sessionmaker[Session], numbers: dict[str, set[str]], reports: int) -> None:
    assert len(numbers) == reports
    assert all(len(found) == 1 for found in numbers.values()), "a message filed two tickets"
    filed = {next(iter(found)) for found in numbers.values()}
    assert len(filed) == reports  # unique numbers
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == reports
        assert session.scalar(select(func.count()).select_from(TicketEvent)) == reports
        stored = {t.number for t in session.scalars(select(Ticket))}
        assert stored == filed  # nothing lost, nothing extra
        owners = session.execute(select(Ticket.source_message_id, Ticket.channel_user_id)).all()
        assert all(owner == f"u{message}" for message, owner in owners)


@pytest.mark.parametrize("db_engine", ["sqlite"], indirect=True)
def test_concurrent_reports_on_sqlite(db_engine: Engine) -> None:
    numbers = file_many(db_engine, reports=60, workers=8)
    check(make_session_factory(db_engine), numbers, 60)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="set TEST_POSTGRES_URL to run PostgreSQL tests")
@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_500_concurrent_reports_on_postgresql(db_engine: Engine) -> None:
    numbers = file_many(db_engine, reports=500, workers=16)
    check(make_session_factory(db_engine), numbers, 500)
