"""'What is near me': sites within walking reach, nearest first, with their opening state.

Candidates come from the cell index (`bot.sites.cells`) as bare (id, lat, lon) rows; only the
few that are returned are loaded as full `Site` objects.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.orm import Session

from bot.db.sites import Service, Site, SiteHours, site_services
from bot.sites.calendar import china_now
from bot.sites.cells import bbox_around, cells_covering
from bot.sites.coords import EARTH_RADIUS_M, haversine_m
from bot.sites.hours import HolidayPolicy, Interval, WeeklyHours
from bot.sites.opening import opening_state

WALK_SPEED_M_PER_MIN = 80.0  # the "15分钟服务圈" assumes about 1.2 km in 15 minutes
FAR_LIMIT_M = 50_000.0  # nearest_any gives up beyond this distance
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180


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
        box = bbox_around(self.lat, self.lon, radius_m)
        cells = cells_covering(box)
        with_service = self.service is not None
        params: dict[str, object] = {"service": self.service}
        if cells is not None:
            query, params["cells"] = _IN_CELLS[with_service], cells
        else:
            query = _IN_BOX[with_service]
            params |= {"lat0": box.min_lat, "lat1": box.max_lat}
            params |= {"lon0": box.min_lon, "lon1": box.max_lon}
        # Most candidates lie in the corners of the cells, outside the circle: a flat-earth
        # estimate (good to well under 1% at walking range) drops them before the haversine.
        m_per_deg_lon = _M_PER_DEG * math.cos(math.radians(self.lat))
        # (Beyond a few kilometres the estimate drifts, so large searches measure everything.)
        rough_limit = (radius_m * 1.01) ** 2 if radius_m <= 5_000 else math.inf
        found = []
        for site_id, lat, lon in self.session.connection().execute(query, params).all():
            dy, dx = (lat - self.lat) * _M_PER_DEG, (lon - self.lon) * m_per_deg_lon
            if dx * dx + dy * dy > rough_limit:
                continue
            distance = haversine_m(self.lat, self.lon, lat, lon)
            if distance <= radius_m:
                found.append((distance, site_id))
        found.sort()
        return found

    def _load(self, batch: Sequence[tuple[float, int]]) -> list[NearbySite]:
        ids = [site_id for _distance, site_id in batch]
        # One statement: each site, one row per opening interval, and its service names joined
        # into one string; loading the relationships instead would take several statements.
        sites: dict[int, Site] = {}
        names: dict[int, tuple[str, ...]] = {}
        days: dict[int, list[list[Interval]]] = {i: [[] for _ in range(7)] for i in ids}
        rows = self.session.execute(_SITES, {"ids": ids}).all()
        for site, weekday, opens, closes, joined_names in rows:
            sites[site.id] = site
            names[site.id] = tuple(sorted(joined_names.split(_SEP))) if joined_names else ()
            if weekday is not None:
                days[site.id][weekday].append((opens, closes))
        hours = {i: WeeklyHours(tuple(tuple(day) for day in week)) for i, week in days.items()}
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


# The statements are built once: on this hot path building them cost as much as running them.
def _only_offering(query: Select[int, float, float]) -> Select[int, float, float]:
    # EXISTS rather than a join: the planner then starts from the cells (a few hundred rows),
    # not from every site offering the service (a fifth of the registry for 饮水).
    offered = (
        select(site_services.c.site_id)
        .join(Service, Service.id == site_services.c.service_id)
        .where(site_services.c.site_id == Site.id, Service.name == bindparam("service"))
    )
    return query.where(offered.exists())


_CANDIDATE = select(Site.id, Site.lat, Site.lon)
_CELL_QUERY = _CANDIDATE.where(Site.cell_key.in_(bindparam("cells", expanding=True)))
_BOX_QUERY = _CANDIDATE.where(
    Site.lat.between(bindparam("lat0"), bindparam("lat1")),
    Site.lon.between(bindparam("lon0"), bindparam("lon1")),
)
_IN_CELLS = {False: _CELL_QUERY, True: _only_offering(_CELL_QUERY)}
_IN_BOX = {False: _BOX_QUERY, True: _only_offering(_BOX_QUERY)}
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_SEP = "\x1f"  # ASCII unit separator: cannot occur in a service name
_NAMES = (
    select(func.aggregate_strings(Service.name, _SEP))
    .join(site_services, site_services.c.service_id == Service.id)
    .where(site_services.c.site_id == Site.id)
    .scalar_subquery()
)
_SITES = (
    select(Site, SiteHours.weekday, SiteHours.opens_min, SiteHours.closes_min, _NAMES)
    .outerjoin(SiteHours, SiteHours.site_id == Site.id)
    .where(Site.id.in_(_IDS))
    .order_by(Site.id, SiteHours.opens_min)
)
