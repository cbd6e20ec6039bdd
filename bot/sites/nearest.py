"""'What is near me': sites within walking reach, nearest first, with their opening state.

Candidates come from the cell index (`bot.sites.cells`) as bare (id, lat, lon) rows; only the
few that are returned are loaded as full `Site` objects.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from bot.db.sites import Service, Site, SiteHours, site_services
from bot.sites.calendar import china_now
from bot.sites.cells import bbox_around, cells_covering
from bot.sites.coords import haversine_m
from bot.sites.hours import HolidayPolicy, Interval, WeeklyHours
from bot.sites.opening import opening_state

WALK_SPEED_M_PER_MIN = 80.0  # the "15分钟服务圈" assumes about 1.2 km in 15 minutes
FAR_LIMIT_M = 50_000.0  # nearest_any gives up beyond this distance


@dataclass(frozen=True)
class NearbySite:
    """A site and how it relates to the asker: straight-line distance, walk, opening state.

    `open_now` is None when the site's hours are unknown. When open, `closes_at` is the end of
    the current opening (None: open round the clock); when closed, `opens_at` is the next opening
    within two weeks (None: none). `services` are the matching services: the one asked for, or
    all the site offers.
    """

    site: Site
    distance_m: float
    walk_minutes: int
    within_reach: bool
    open_now: bool | None
    closes_at: dt.datetime | None
    opens_at: dt.datetime | None
    services: tuple[str, ...]


def find_nearest(
    *,
    session: Session,
    lat: float,
    lon: float,
    service: str | None = None,
    at: dt.datetime | None = None,
    limit: int = 3,
    max_walk_minutes: float = 15,
    open_now_only: bool = False,
    speed_m_per_min: float = WALK_SPEED_M_PER_MIN,
) -> list[NearbySite]:
    """Up to `limit` sites within `max_walk_minutes` on foot of the WGS-84 point, nearest first.

    `service` is a canonical service name (see `bot.sites.services.resolve_service`); a name
    no site offers gives an empty list. `at` defaults to now; naive means Asia/Shanghai.
    """
    reach_m = max_walk_minutes * speed_m_per_min
    search = _Search(session, lat, lon, service, at or china_now(), speed_m_per_min, reach_m)
    return search.within(reach_m, limit, open_now_only)


def nearest_any(
    *,
    session: Session,
    lat: float,
    lon: float,
    service: str | None = None,
    at: dt.datetime | None = None,
    limit: int = 1,
    max_walk_minutes: float = 15,
    open_now_only: bool = False,
    speed_m_per_min: float = WALK_SPEED_M_PER_MIN,
    max_distance_m: float = FAR_LIMIT_M,
) -> list[NearbySite]:
    """Like `find_nearest`, but when nothing is within reach, the nearest sites beyond it
    (up to `max_distance_m`); check `within_reach` on the result."""
    reach_m = max_walk_minutes * speed_m_per_min
    search = _Search(session, lat, lon, service, at or china_now(), speed_m_per_min, reach_m)
    radius = reach_m
    while True:
        found = search.within(radius, limit, open_now_only)
        if len(found) >= limit or radius >= max_distance_m:
            return found
        radius = min(radius * 4, max_distance_m)


@dataclass
class _Search:
    session: Session
    lat: float
    lon: float
    service: str | None
    at: dt.datetime
    speed: float
    reach_m: float

    def within(self, radius_m: float, limit: int, open_now_only: bool) -> list[NearbySite]:
        candidates = self._candidates(radius_m)
        results: list[NearbySite] = []
        # Closed sites are skipped only when asked, so load a few more than needed per round.
        chunk = limit if not open_now_only else max(2 * limit, 8)
        for start in range(0, len(candidates), chunk):
            batch = candidates[start : start + chunk]
            for nearby in self._load(batch):
                if open_now_only and not nearby.open_now:
                    continue
                results.append(nearby)
                if len(results) >= limit:
                    return results
        return results

    def _candidates(self, radius_m: float) -> list[tuple[float, int]]:
        """(distance, id) of the sites within `radius_m`, nearest first (ties by id)."""
        query = select(Site.id, Site.lat, Site.lon)
        box = bbox_around(self.lat, self.lon, radius_m)
        cells = cells_covering(box)
        if cells is not None:
            query = query.where(Site.cell_key.in_(cells))
        else:
            query = query.where(Site.lat.between(box.min_lat, box.max_lat))
            query = query.where(Site.lon.between(box.min_lon, box.max_lon))
        if self.service is not None:
            query = query.join(site_services, site_services.c.site_id == Site.id)
            query = query.join(Service, Service.id == site_services.c.service_id)
            query = query.where(Service.name == self.service)
        found = []
        # Plain Core rows: these are the hot path, and most candidates are thrown away.
        for site_id, lat, lon in self.session.connection().execute(query):
            distance = haversine_m(self.lat, self.lon, lat, lon)
            if distance <= radius_m:
                found.append((distance, site_id))
        found.sort()
        return found

    def _load(self, batch: Sequence[tuple[float, int]]) -> list[NearbySite]:
        ids = [site_id for _distance, site_id in batch]
        query = select(Site).where(Site.id.in_(ids))
        sites = {site.id: site for site in self.session.scalars(query)}
        # Hours and service names as plain rows: far cheaper than loading the relationships.
        connection = self.session.connection()
        hours = _hours_by_site(connection, ids)
        names = _service_names_by_site(connection, ids) if self.service is None else {}
        results = []
        for distance, site_id in batch:
            site = sites[site_id]
            services = (self.service,) if self.service else names.get(site_id, ())
            week = hours[site_id] if site.hours_known else None
            results.append(self._describe(site, distance, week, services))
        return results

    def _describe(
        self, site: Site, distance: float, hours: WeeklyHours | None, services: tuple[str, ...]
    ) -> NearbySite:
        holiday = HolidayPolicy(site.holiday)
        state = opening_state(hours, holiday, self.at) if hours is not None else None
        return NearbySite(
            site=site,
            distance_m=distance,
            walk_minutes=max(1, math.ceil(distance / self.speed)),
            within_reach=distance <= self.reach_m,
            open_now=state.open_now if state else None,
            closes_at=state.closes_at if state else None,
            opens_at=state.opens_at if state else None,
            services=services,
        )


def _hours_by_site(connection: Connection, ids: list[int]) -> dict[int, WeeklyHours]:
    days: dict[int, list[list[Interval]]] = {i: [[] for _ in range(7)] for i in ids}
    query = (
        select(SiteHours.site_id, SiteHours.weekday, SiteHours.opens_min, SiteHours.closes_min)
        .where(SiteHours.site_id.in_(ids))
        .order_by(SiteHours.opens_min)
    )
    for site_id, weekday, opens, closes in connection.execute(query):
        days[site_id][weekday].append((opens, closes))
    return {i: WeeklyHours(tuple(tuple(day) for day in week)) for i, week in days.items()}


def _service_names_by_site(connection: Connection, ids: list[int]) -> dict[int, tuple[str, ...]]:
    names: dict[int, list[str]] = {}
    query = (
        select(site_services.c.site_id, Service.name)
        .join(Service, Service.id == site_services.c.service_id)
        .where(site_services.c.site_id.in_(ids))
        .order_by(Service.name)
    )
    for site_id, name in connection.execute(query):
        names.setdefault(site_id, []).append(name)
    return {i: tuple(n) for i, n in names.items()}
