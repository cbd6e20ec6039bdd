"""'What is near me': sites within walking reach, nearest first, with their opening state;
also 'near me with several services' (`nearest_offering`), best matches first.

Candidates come from the cell index (`bot.sites.cells`) as bare (id, lat, lon) rows; only the
few that are returned are loaded, as `SiteInfo` snapshots.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    bindparam,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from bot import china_time
from bot.db.sites import Service, Site, SiteHours, site_services
from bot.sites.cells import MAX_ROWS, bbox_around, cell_ranges
from bot.sites.coords import EARTH_RADIUS_M, haversine_m
from bot.sites.hours import HolidayPolicy, Interval, WeeklyHours
from bot.sites.info import SiteInfo
from bot.sites.opening import opening_state

WALK_SPEED_M_PER_MIN = 80.0  # the "15分钟服务圈" assumes about 1.2 km in 15 minutes
FAR_LIMIT_M = 50_000.0  # nearest_any gives up beyond this distance
# nearest_offering ranks by how many services match, so it must load every candidate, not the
# nearest few: this many, nearest first, is plenty inside a walk and bounds the work.
MAX_RANKED = 200
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True)
class NearbySite:
    """A site and how it relates to the asker: straight-line distance, walk, opening state.

    `open_now` is None when the site's hours are unknown. When open, `closes_at` is the end of
    the current opening (None: open round the clock); when closed, `opens_at` is the next opening
    within two weeks (None: none). `services` are the matching services: the one asked for, the
    asked ones the site offers (`nearest_offering`, in the order asked), or all the site offers.
    """

    site: SiteInfo
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
    search = _Search(session, lat, lon, service, at or china_time.now(), speed_m_per_min, reach_m)
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
    search = _Search(session, lat, lon, service, at or china_time.now(), speed_m_per_min, reach_m)
    radius = reach_m
    while True:
        found = search.within(radius, limit, open_now_only)
        if len(found) >= limit or radius >= max_distance_m:
            return found
        radius = min(radius * 4, max_distance_m)


def nearest_offering(
    *,
    session: Session,
    lat: float,
    lon: float,
    services: Sequence[str],
    at: dt.datetime | None = None,
    limit: int = 3,
    max_walk_minutes: float = 15,
    speed_m_per_min: float = WALK_SPEED_M_PER_MIN,
    max_distance_m: float = FAR_LIMIT_M,
) -> list[NearbySite]:
    """Up to `limit` sites offering at least one of `services` (canonical names), best first:
    the sites offering all of them, nearest first, then those offering fewer (more first, then
    nearer). Each result's `services` are the asked ones it offers.

    Sites within `max_walk_minutes` if there are any (among the nearest `MAX_RANKED`); else,
    as `nearest_any`, the best beyond, up to `max_distance_m`: check `within_reach`.
    """
    wanted = tuple(dict.fromkeys(services))
    if not wanted:
        return nearest_any(session=session, lat=lat, lon=lon, at=at, limit=limit,
                           max_walk_minutes=max_walk_minutes, speed_m_per_min=speed_m_per_min,
                           max_distance_m=max_distance_m)  # fmt: skip
    reach_m = max_walk_minutes * speed_m_per_min
    at = at or china_time.now()
    search = _Search(session, lat, lon, None, at, speed_m_per_min, reach_m, any_of=wanted)
    radius = reach_m
    while True:
        found = search.ranked(radius, limit)
        if found or radius >= max_distance_m:
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
    any_of: tuple[str, ...] = field(default=())  # sites offering at least one of these

    def ranked(self, radius_m: float, limit: int) -> list[NearbySite]:
        """The `limit` best within `radius_m`: most of `any_of` offered, then nearest."""
        candidates = self._candidates(radius_m)[:MAX_RANKED]
        loaded = self._load(candidates)
        loaded.sort(key=lambda nearby: (-len(nearby.services), nearby.distance_m, nearby.site.id))
        return loaded[:limit]

    def within(self, radius_m: float, limit: int, open_now_only: bool) -> list[NearbySite]:
        # The Core statements below bypass the session's autoflush; pending sites must count.
        self.session.flush()
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
        ranges = cell_ranges(self.lat, self.lon, radius_m)
        with_service: _Filter = "any" if self.any_of else self.service is not None
        params: dict[str, object] = {"service": self.service, "services": list(self.any_of)}
        if ranges is not None:
            query = _IN_CELLS[with_service]
            # Rows not needed get empty ranges, so one statement (one plan) serves every search.
            for number in range(MAX_ROWS):
                low, high = ranges[number] if number < len(ranges) else (1, 0)
                params[f"low{number}"], params[f"high{number}"] = low, high
            # The database also drops the cells' corners with a flat-earth estimate (good to
            # well under 1% at these distances), so fewer rows reach Python.
            params |= {"lat": self.lat, "lon": self.lon, "m_lat": _M_PER_DEG}
            params |= {"m_lon": _M_PER_DEG * math.cos(math.radians(self.lat))}
            params["reach2"] = (radius_m * 1.01) ** 2
        else:
            query = _IN_BOX[with_service]
            box = bbox_around(self.lat, self.lon, radius_m)
            params |= {"lat0": box.min_lat, "lat1": box.max_lat}
            params |= {"lon0": box.min_lon, "lon1": box.max_lon}
        found = []
        for site_id, lat, lon in self.session.connection().execute(query, params).all():
            distance = haversine_m(self.lat, self.lon, lat, lon)
            if distance <= radius_m:
                found.append((distance, site_id))
        found.sort()
        return found

    def _load(self, batch: Sequence[tuple[float, int]]) -> list[NearbySite]:
        # One Core statement, one row per site, its hours and service names aggregated into
        # strings: ORM objects and relationship loads cost several times more on this path.
        ids = [site_id for _distance, site_id in batch]
        rows = self.session.connection().execute(_SITES, {"ids": ids}).all()
        sites = {row[0]: _site_info(row) for row in rows}
        return [self._describe(sites[site_id], distance) for distance, site_id in batch]

    def _describe(self, site: SiteInfo, distance: float) -> NearbySite:
        hours = site.hours
        state = opening_state(hours, site.holiday, self.at) if hours is not None else None
        return NearbySite(
            site=site,
            distance_m=distance,
            walk_minutes=max(1, math.ceil(distance / self.speed)),
            within_reach=distance <= self.reach_m,
            open_now=state.open_now if state else None,
            closes_at=state.closes_at if state else None,
            opens_at=state.opens_at if state else None,
            services=self._matching(site.services),
        )

    def _matching(self, offered: tuple[str, ...]) -> tuple[str, ...]:
        if self.any_of:
            return tuple(name for name in self.any_of if name in offered)
        return (self.service,) if self.service else offered


def _site_info(row: Any) -> SiteInfo:
    fields = dict(zip(_SITE_FIELDS, row, strict=False))
    hours_text, names_text = row[len(_SITE_FIELDS)], row[len(_SITE_FIELDS) + 1]
    days: list[list[Interval]] = [[] for _ in range(7)]
    for interval in hours_text.split(_SEP) if hours_text else ():
        weekday, opens, closes = (int(part) for part in interval.split(":"))
        days[weekday].append((opens, closes))
    hours = WeeklyHours(tuple(tuple(sorted(day)) for day in days))
    fields["hours"] = hours if fields.pop("hours_known") else None
    fields["holiday"] = HolidayPolicy(fields["holiday"])
    fields["services"] = tuple(sorted(names_text.split(_SEP))) if names_text else ()
    return SiteInfo(**fields)


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


def _offering_any(query: Select[int, float, float]) -> Select[int, float, float]:
    offered = (
        select(site_services.c.site_id)
        .join(Service, Service.id == site_services.c.service_id)
        .where(
            site_services.c.site_id == Site.id,
            Service.name.in_(bindparam("services", expanding=True)),
        )
    )
    return query.where(offered.exists())


_CANDIDATE = select(Site.id, Site.lat, Site.lon)


def _within_flat_reach() -> ColumnElement[bool]:
    dy = (Site.lat - bindparam("lat")) * bindparam("m_lat")
    dx = (Site.lon - bindparam("lon")) * bindparam("m_lon")
    return dx * dx + dy * dy <= bindparam("reach2")


_CELL_QUERY = _CANDIDATE.where(
    or_(
        *(
            Site.cell_key.between(bindparam(f"low{n}"), bindparam(f"high{n}"))
            for n in range(MAX_ROWS)
        )
    ),
    _within_flat_reach(),
)
_BOX_QUERY = _CANDIDATE.where(
    Site.lat.between(bindparam("lat0"), bindparam("lat1")),
    Site.lon.between(bindparam("lon0"), bindparam("lon1")),
)
# Keyed by the service filter: none (False), one service (True), any of several ("any").
_Filter = bool | Literal["any"]
_IN_CELLS: dict[_Filter, Select[int, float, float]] = {
    False: _CELL_QUERY,
    True: _only_offering(_CELL_QUERY),
    "any": _offering_any(_CELL_QUERY),
}
_IN_BOX: dict[_Filter, Select[int, float, float]] = {
    False: _BOX_QUERY,
    True: _only_offering(_BOX_QUERY),
    "any": _offering_any(_BOX_QUERY),
}
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_SEP = "\x1f"  # ASCII unit separator: cannot occur in a service name
_NAMES = (
    select(func.aggregate_strings(Service.name, _SEP))
    .join(site_services, site_services.c.service_id == Service.id)
    .where(site_services.c.site_id == Site.id)
    .scalar_subquery()
)
_INTERVAL = (
    cast(SiteHours.weekday, String)
    + ":"
    + cast(SiteHours.opens_min, String)
    + ":"
    + cast(SiteHours.closes_min, String)
)
_HOURS = (
    select(func.aggregate_strings(_INTERVAL, _SEP))
    .where(SiteHours.site_id == Site.id)
    .scalar_subquery()
)
_SITE_FIELDS = (
    "id", "key", "name", "kind", "level", "address", "street", "community", "grid", "lat", "lon",
    "phone", "hours_known", "holiday", "accessibility", "sample",
)  # fmt: skip
_SITES = select(*(getattr(Site, name) for name in _SITE_FIELDS), _HOURS, _NAMES).where(
    Site.id.in_(_IDS)
)
