"""Which grid and service site answer for a report's location (staff can reassign later).

The responsible site is the nearest community-level site (社区 or 小区 level, the level at
which grids and their stations work) of the site registry; its grid and community go on the
ticket. A report with only an address is placed through the registry's gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.sites.gazetteer import gazetteer_names, locate_place, normalise_name
from bot.sites.nearest import NearbySite, nearest_any

COMMUNITY_LEVELS = frozenset({"社区", "小区"})
MAX_ROUTE_DISTANCE_M = 5_000.0  # farther than this, a person decides instead of geometry
_CANDIDATES = 20


@dataclass(frozen=True)
class Route:
    site_id: int | None = None
    site_name: str | None = None
    grid: str | None = None
    community: str | None = None
    distance_m: float | None = None

    @property
    def routed(self) -> bool:
        return self.site_id is not None


def route_report(
    *,
    session: Session,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    place_site_id: int | None = None,
) -> Route:
    """The responsible site, grid and community; an empty Route when nothing is close enough."""
    point = (lat, lon) if lat is not None and lon is not None else None
    if point is None and place_site_id is not None:
        site = session.get(Site, place_site_id)
        point = (site.lat, site.lon) if site is not None else None
    if point is None and address:
        point = locate_address(session=session, address=address)
    if point is None:
        return Route()
    return nearest_responsible(session=session, lat=point[0], lon=point[1])


def nearest_responsible(*, session: Session, lat: float, lon: float) -> Route:
    found = nearest_any(
        session=session, lat=lat, lon=lon, limit=_CANDIDATES, max_distance_m=MAX_ROUTE_DISTANCE_M
    )
    chosen = _pick(found)
    if chosen is None:
        return Route()
    site = chosen.site
    return Route(site.id, site.name, site.grid, site.community, chosen.distance_m)


def _pick(found: list[NearbySite]) -> NearbySite | None:
    # Prefer a community-level site with a grid; else any site with a grid; else the nearest.
    # `found` is nearest first, so the first match of each rule is the closest one.
    for nearby in found:
        if nearby.site.level in COMMUNITY_LEVELS and nearby.site.grid is not None:
            return nearby
    for nearby in found:
        if nearby.site.grid is not None:
            return nearby
    return found[0] if found else None


def locate_address(*, session: Session, address: str) -> tuple[float, float] | None:
    """WGS-84 point of the most specific registry name inside `address`.

    幸福里小区3栋2单元 -> the point of 幸福里小区; 和顺社区北门 -> the middle of 和顺社区.
    """
    point = locate_place(session=session, name=address)
    if point is not None:
        return point
    text = normalise_name(address)
    inside = [n for n in gazetteer_names(session=session) if len(n) >= 2 and n in text]
    for name in sorted(inside, key=len, reverse=True):  # the longest name is the most specific
        point = locate_place(session=session, name=name)
        if point is not None:
            return point
    return None
