"""`SiteInfo`: a read-only snapshot of a site, safe to use after its session has closed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.sites import Site
from bot.sites.hours import HolidayPolicy, WeeklyHours
from bot.sites.registry import weekly_hours


@dataclass(frozen=True)
class SiteInfo:
    """A site's fields as plain values; `hours` is None when unknown, coordinates are WGS-84."""

    id: int
    key: str
    name: str
    kind: str
    level: str | None
    address: str
    street: str | None
    community: str | None
    grid: str | None
    lat: float
    lon: float
    phone: str | None
    hours: WeeklyHours | None
    holiday: HolidayPolicy
    accessibility: str | None
    sample: bool
    services: tuple[str, ...]


def site_info(site: Site) -> SiteInfo:
    """Snapshot of an ORM site (loads its hours and services if they are not loaded yet)."""
    return SiteInfo(
        id=site.id, key=site.key, name=site.name, kind=site.kind, level=site.level,
        address=site.address, street=site.street, community=site.community, grid=site.grid,
        lat=site.lat, lon=site.lon, phone=site.phone, hours=weekly_hours(site),
        holiday=HolidayPolicy(site.holiday), accessibility=site.accessibility,
        sample=site.sample, services=tuple(sorted(s.name for s in site.services)),
    )  # fmt: skip
