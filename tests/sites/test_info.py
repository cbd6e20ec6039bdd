"""SiteInfo snapshots of stored sites."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.sites.hours import HolidayPolicy
from bot.sites.info import site_info
from bot.sites.nearest import find_nearest
from bot.sites.registry import upsert_sites
from tests.sites.factories import NANLING, make_record


def test_site_info_copies_every_field_of_the_orm_site(db_session: Session) -> None:
    record = make_record()
    upsert_sites(session=db_session, records=[record])
    info = site_info(db_session.scalars(select(Site)).one())
    assert (info.name, info.address, info.phone, info.community) == (
        record.name, record.address, record.phone, record.community,
    )  # fmt: skip
    assert (info.lat, info.lon, info.hours, info.services) == (
        record.lat, record.lon, record.hours, record.services,
    )  # fmt: skip
    assert info.holiday is HolidayPolicy.CLOSED


def test_find_nearest_returns_the_same_snapshot_as_site_info(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record(), make_record(key="k2", hours=None)])
    found = find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1])
    sites = {s.id: s for s in db_session.scalars(select(Site))}
    assert [n.site for n in found] == [site_info(sites[n.site.id]) for n in found]
