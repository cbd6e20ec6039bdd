"""Writes `SiteRecord`s into the registry (upsert by stable key) and reads them back out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from bot.db.sites import Place, Service, Site, SiteHours
from bot.sites.cells import cell_key
from bot.sites.hours import HolidayPolicy, WeeklyHours
from bot.sites.records import SiteRecord

_BATCH = 500  # keys per IN (...) query; well under every database's parameter limit


@dataclass(frozen=True)
class UpsertSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class PlaceRecord:
    name: str
    kind: str  # town, street, community or landmark
    lat: float  # WGS-84
    lon: float


def weekly_hours(site: Site) -> WeeklyHours | None:
    if not site.hours_known:
        return None
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for row in sorted(site.hours, key=lambda h: (h.weekday, h.opens_min)):
        days[row.weekday].append((row.opens_min, row.closes_min))
    return WeeklyHours(tuple(tuple(d) for d in days))


def record_of(site: Site) -> SiteRecord:
    return SiteRecord(
        key=site.key, name=site.name, kind=site.kind, address=site.address,
        lat=site.lat, lon=site.lon, services=tuple(sorted(s.name for s in site.services)),
        phone=site.phone, level=site.level, street=site.street, community=site.community,
        grid=site.grid, hours=weekly_hours(site), holiday=HolidayPolicy(site.holiday),
        accessibility=site.accessibility, sample=site.sample,
    )  # fmt: skip


def upsert_sites(*, session: Session, records: Sequence[SiteRecord]) -> UpsertSummary:
    """Create or update one site per record (matched by `key`); sites not named stay as they are."""
    existing = _sites_by_key(session, [r.key for r in records])
    services = ensure_services(session=session, names={s for r in records for s in r.services})
    created = updated = 0
    for record in records:
        site = existing.get(record.key)
        if site is None:
            site = Site(key=record.key)
            session.add(site)
            created += 1
        elif record_of(site) == record:
            continue
        else:
            updated += 1
        _apply(site, record, services)
    session.flush()
    return UpsertSummary(created, updated, len(records) - created - updated)


def ensure_services(*, session: Session, names: Iterable[str]) -> dict[str, Service]:
    """Service rows for `names` (canonical vocabulary values), creating the missing ones."""
    wanted = set(names)
    found = {s.name: s for s in session.scalars(select(Service).where(Service.name.in_(wanted)))}
    for name in sorted(wanted - found.keys()):
        found[name] = Service(name=name)
        session.add(found[name])
    return found


def site_records(*, session: Session) -> list[SiteRecord]:
    """Every site as a record, in a stable order (for export)."""
    query = select(Site).order_by(Site.key).options(*_site_options())
    return [record_of(site) for site in session.scalars(query)]


def upsert_places(*, session: Session, places: Sequence[PlaceRecord]) -> int:
    """Create or move gazetteer places by name; returns how many rows changed."""
    names = [p.name for p in places]
    existing = {p.name: p for p in session.scalars(select(Place).where(Place.name.in_(names)))}
    changed = 0
    for record in places:
        place = existing.get(record.name)
        values = (record.kind, record.lat, record.lon)
        if place is not None and (place.kind, place.lat, place.lon) == values:
            continue
        if place is None:
            place = Place(name=record.name)
            session.add(place)
        place.kind, place.lat, place.lon = values
        changed += 1
    session.flush()
    return changed


def _site_options() -> tuple[ExecutableOption, ...]:
    return (selectinload(Site.hours), selectinload(Site.services))


def _sites_by_key(session: Session, keys: list[str]) -> dict[str, Site]:
    found: dict[str, Site] = {}
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        query = select(Site).where(Site.key.in_(batch)).options(*_site_options())
        found.update((site.key, site) for site in session.scalars(query))
    return found


def _apply(site: Site, record: SiteRecord, services: dict[str, Service]) -> None:
    site.name, site.kind, site.level = record.name, record.kind, record.level
    site.address, site.street, site.community = record.address, record.street, record.community
    site.grid, site.phone, site.accessibility = record.grid, record.phone, record.accessibility
    site.lat, site.lon, site.cell_key = record.lat, record.lon, cell_key(record.lat, record.lon)
    site.holiday, site.sample = record.holiday.value, record.sample
    site.hours_known = record.hours is not None
    days = record.hours.days if record.hours is not None else ()
    site.hours = [
        SiteHours(weekday=day, opens_min=opens, closes_min=closes)
        for day, intervals in enumerate(days)
        for opens, closes in intervals
    ]
    site.services = [services[name] for name in record.services]
