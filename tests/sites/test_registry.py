"""Upserting records into the registry and reading them back."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.sites import Place, Service, Site, SiteHours
from bot.sites.cells import cell_key
from bot.sites.hours import parse_hours
from bot.sites.records import SiteRecord
from bot.sites.registry import (
    PlaceRecord,
    UpsertSummary,
    record_of,
    site_records,
    upsert_places,
    upsert_sites,
    weekly_hours,
)
from tests.sites.factories import make_record


def test_upsert_creates_a_site_with_hours_services_and_cell(db_session: Session) -> None:
    record = make_record()
    assert upsert_sites(session=db_session, records=[record]) == UpsertSummary(created=1)
    site = db_session.scalars(select(Site)).one()
    assert [s.name for s in site.services] == ["代办", "法律援助"]
    assert site.cell_key == cell_key(record.lat, record.lon)
    assert weekly_hours(site) == record.hours
    assert record_of(site) == record


def test_upserting_the_same_records_again_changes_nothing(db_session: Session) -> None:
    records = [make_record(), make_record(key="k2", name="籍山社区党群服务中心")]
    upsert_sites(session=db_session, records=records)
    assert upsert_sites(session=db_session, records=records) == UpsertSummary(unchanged=2)
    assert not db_session.dirty and not db_session.new


def test_upsert_updates_changed_fields_and_replaces_hours_and_services(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record()])
    changed = make_record(
        phone="0553-1111111", services=("饮水",), hours=parse_hours("每天 09:00-17:00")
    )
    assert upsert_sites(session=db_session, records=[changed]) == UpsertSummary(updated=1)
    site = db_session.scalars(select(Site)).one()
    assert record_of(site) == changed
    assert db_session.scalar(select(func.count()).select_from(SiteHours)) == 7
    # The old services stay in the service table for other sites; only the link changes.
    assert db_session.scalar(select(func.count()).select_from(Service)) == 3


def test_sites_missing_from_a_later_upsert_are_kept(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record(), make_record(key="k2")])
    upsert_sites(session=db_session, records=[make_record()])
    assert db_session.scalar(select(func.count()).select_from(Site)) == 2


def test_unknown_hours_are_kept_apart_from_never_open(db_session: Session) -> None:
    upsert_sites(
        session=db_session,
        records=[make_record(hours=None), make_record(key="k2", hours=parse_hours("每天 休息"))],
    )
    unknown, never = _by_key(db_session)
    assert unknown.hours is None
    assert never.hours == parse_hours("每天 休息")


def _by_key(session: Session) -> tuple[SiteRecord, SiteRecord]:
    records = {r.key: r for r in site_records(session=session)}
    return records[make_record().key], records["k2"]


def test_site_records_round_trip_many_sites_in_key_order(db_session: Session) -> None:
    records = [replace(make_record(), key=f"k{i:04d}", lat=30.9 + i / 1e4) for i in range(600)]
    upsert_sites(session=db_session, records=records)
    assert site_records(session=db_session) == records


def test_upsert_places_creates_moves_and_skips_unchanged(db_session: Session) -> None:
    first = [
        PlaceRecord("和顺社区", "community", 30.92, 118.33),
        PlaceRecord("籍山路", "landmark", 30.9, 118.3),
    ]
    assert upsert_places(session=db_session, places=first) == 2
    assert upsert_places(session=db_session, places=first) == 0
    moved = [PlaceRecord("和顺社区", "community", 30.93, 118.33)]
    assert upsert_places(session=db_session, places=moved) == 1
    place = db_session.scalars(select(Place).where(Place.name == "和顺社区")).one()
    assert (place.lat, place.lon) == (30.93, 118.33)


def test_deleting_a_site_deletes_its_hours(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record()])
    db_session.delete(db_session.scalars(select(Site)).one())
    db_session.flush()
    assert db_session.scalar(select(func.count()).select_from(SiteHours)) == 0
