"""Which site a booking is for: a site named in the text, else the nearest one offering the
service to a shared point or a named place (community, street, landmark)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.bookings.catalogue import defaults_for
from bot.bookings.slots import offers_service
from bot.db.sites import Site
from bot.sites.gazetteer import locate_place, place_in_text
from bot.sites.lookup import find_site_by_name
from bot.sites.nearest import nearest_any
from bot.tickets.routing import Route, route_report

_PEOPLE = re.compile(r"([0-9]+|[一二两三四五六七八九十])\s*(?:个人|人|位|口人)")
_COUNT = re.compile(
    r"^\s*([0-9]+|[一二两三四五六七八九十])\s*(?:个|位|人|个人|口人)?\s*[。.!！]?\s*$"
)
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}
MAX_PEOPLE = 20


def site_for(
    *,
    session: Session,
    service: str,
    now: dt.datetime,
    text: str | None = None,
    point: tuple[float, float] | None = None,
) -> Site | None:
    """The site to book `service` at, or None when the text names nothing known nearby."""
    if text:
        named = find_site_by_name(session=session, text=text)
        if named is not None and offers_service(named, service):
            return named
        point = locate_place(session=session, name=text) or point
        if point is None:
            known = place_in_text(session=session, text=text)
            point = (known.lat, known.lon) if known else None
        if point is None and named is not None:
            point = (named.lat, named.lon)  # a site that lacks the service: its neighbours
    if point is None:
        return None
    # The fair is held by every community centre, which lists no such service: search by kind.
    fair = (defaults := defaults_for(service)) is not None and defaults.fair
    for item in nearest_any(
        session=session, lat=point[0], lon=point[1], service=None if fair else service, at=now,
        limit=30 if fair else 5,
    ):  # fmt: skip
        site = session.get(Site, item.site.id)
        if site is not None and site.hours_known and offers_service(site, service):
            return site
    return None


@dataclass(frozen=True)
class HomeMatch:
    site: Site | None
    grid: str | None


def home_site_for(
    *,
    session: Session,
    service: str,
    now: dt.datetime,
    address: str | None,
    point: tuple[float, float] | None = None,
) -> HomeMatch:
    """For a home service (上门): the grid serving the address, by the same routing as tickets,
    and the site that sends people there — the grid's own site when it offers the service, else
    the nearest offering it in that community, else the nearest offering it at all."""
    route = route_report(
        session=session,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        address=address,
    )
    if not route.routed:
        site = site_for(session=session, service=service, now=now, text=address, point=point)
        return HomeMatch(site, site.grid if site is not None else None)
    responsible = session.get(Site, route.site_id)
    if responsible is not None and responsible.hours_known and offers_service(responsible, service):
        return HomeMatch(responsible, route.grid)
    return HomeMatch(_nearest_in_community(session, service, now, route), route.grid)


def _nearest_in_community(
    session: Session, service: str, now: dt.datetime, route: Route
) -> Site | None:
    responsible = session.get(Site, route.site_id)
    if responsible is None:
        return None
    offering = [
        site
        for item in nearest_any(
            session=session, lat=responsible.lat, lon=responsible.lon, service=service, at=now,
            limit=10,
        )
        if (site := session.get(Site, item.site.id)) is not None
        and site.hours_known
        and offers_service(site, service)
    ]  # fmt: skip
    same = [site for site in offering if site.community == route.community]
    chosen = same or offering
    return chosen[0] if chosen else None


def people_in(text: str) -> int | None:
    """How many people a message books for ("我们两个人", "3位"), or None when it does not say."""
    match = _PEOPLE.search(text)
    if match is None:
        return None
    return _count(match.group(1))


def people_answer(text: str) -> int | None:
    """The answer to "how many people": "2", "两位", "我们三个人"; None when it is no count."""
    found = people_in(text)
    if found is not None:
        return found
    match = _COUNT.match(text)
    return _count(match.group(1)) if match else None


def _count(raw: str) -> int | None:
    count = int(raw) if raw.isdigit() else _NUMERALS[raw]
    return count if 1 <= count <= MAX_PEOPLE else None
