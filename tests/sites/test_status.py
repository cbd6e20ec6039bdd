"""Opening state of a stored site."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import china_time
from bot.db.sites import Site
from bot.sites.opening import OpeningState
from bot.sites.registry import upsert_sites
from bot.sites.status import site_status
from tests.sites.factories import make_record


def test_site_status_reads_the_stored_hours_and_holiday_policy(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record()])
    site = db_session.scalars(select(Site)).one()
    holiday = dt.datetime(2026, 10, 1, 10, 0)  # naive: Shanghai time
    assert site_status(site, at=holiday) == OpeningState(
        False, opens_at=dt.datetime(2026, 10, 8, 8, 30, tzinfo=china_time.ZONE)
    )


def test_site_status_is_none_when_hours_are_unknown(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record(hours=None)])
    assert site_status(db_session.scalars(select(Site)).one()) is None
