"""Place names the registry knows (towns, streets, communities, landmarks, sites) and where they are."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.sites import Place, Site

# Suffixes residents drop or add ("和顺" for 和顺社区, "新城镇" for 新城).
_SUFFIXES = ("社区", "街道", "镇", "小区", "村", "县", "区")
_NOISE = re.compile(r"[\s，。？！、,.?!的]|附近|这边|那边|旁边|一带")


def normalise_name(text: str) -> str:
    """`text` without spaces, punctuation, 的 and words like 附近 that do not name the place."""
    return _NOISE.sub("", text)


def gazetteer_names(*, session: Session) -> list[str]:
    """Every name of a town, street, community, landmark or site, sorted and without repeats."""
    names: set[str] = set(session.scalars(select(Place.name)))
    names.update(session.scalars(select(Site.name)))
    names.update(n for n in session.scalars(select(Site.community).distinct()) if n)
    names.update(n for n in session.scalars(select(Site.street).distinct()) if n)
    return sorted(names)


def locate_place(*, session: Session, name: str) -> tuple[float, float] | None:
    """WGS-84 (lat, lon) of a typed place name, or None when the registry does not know it.

    Looks at gazetteer places, then site names, then the middle of the sites of a community
    or street of that name; also tries the name with a common suffix added or removed (each
    variant in turn, in that order of kinds).
    """
    base = normalise_name(name)
    if not base:
        return None
    variants = _variants(base)
    # Four queries for all variants at once instead of four per variant: a typed address
    # has eight variants, and a report's place is looked up on every answer.
    found: dict[tuple[int, str], tuple[float, float]] = {}
    for place in session.execute(
        select(Place.name, Place.lat, Place.lon).where(Place.name.in_(variants))
    ):
        found.setdefault((0, place.name), (place.lat, place.lon))
    for site in session.execute(
        select(Site.name, Site.lat, Site.lon).where(Site.name.in_(variants)).order_by(Site.id)
    ):
        found.setdefault((1, site.name), (site.lat, site.lon))
    for kind, column in ((2, Site.community), (3, Site.street)):
        rows = session.execute(
            select(column, func.avg(Site.lat), func.avg(Site.lon))
            .where(column.in_(variants))
            .group_by(column)
        )
        for value, lat, lon in rows:
            found[(kind, value)] = (float(lat), float(lon))
    for candidate in variants:
        for kind in range(4):
            point = found.get((kind, candidate))
            if point is not None:
                return point
    return None


def _variants(name: str) -> list[str]:
    variants = [name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            variants.append(name.removesuffix(suffix))
    if len(variants) == 1:
        variants.extend(name + suffix for suffix in _SUFFIXES)
    return variants


@dataclass(frozen=True)
class KnownPlace:
    """A place named inside a typed address, and the approximate point the registry has for it."""

    name: str
    lat: float
    lon: float


def place_in_text(*, session: Session, text: str) -> KnownPlace | None:
    """The most specific (longest) registry name inside `text` ("在新城镇和顺社区3号楼" ->
    和顺社区), with its point; None when the text names no place the registry knows."""
    whole = locate_place(session=session, name=text)
    if whole is not None:
        return KnownPlace(normalise_name(text), *whole)
    flat = normalise_name(text)
    for name in sorted(gazetteer_names(session=session), key=len, reverse=True):
        if len(name) >= 2 and normalise_name(name) in flat:
            point = locate_place(session=session, name=name)
            if point is not None:
                return KnownPlace(name, *point)
    return None
