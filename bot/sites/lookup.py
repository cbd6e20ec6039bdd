"""Finds the site a resident means by a loosely typed name ("和顺社区的服务站")."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from bot.db.sites import Place, Site
from bot.sites.gazetteer import normalise_name

# Words in the text that point at a kind of site; the first match wins.
_KIND_HINTS = (
    (("暖新", "暖心", "加油站", "骑手"), ("暖新驿站",)),
    (("食堂", "饭堂", "助餐"), ("长者食堂", "老人助餐点")),
    (("中心", "会客厅"), ("党群服务中心",)),
    (("服务站", "服务点", "工作站", "会客室"), ("党群服务站",)),
    (("驿站",), ("党群驿站", "暖新驿站")),
)
_TAILS = ("呀", "啊", "呢", "在哪里", "在哪儿", "在哪", "在什么地方", "在什么位置", "怎么走", "怎么去",
          "地址是多少", "地址", "位置", "电话是多少", "电话")  # fmt: skip
_KIND_BONUS = 0.15
_MIN_SCORE = 0.55
_MAX_CANDIDATES = 200
# "XX附近的驿站", "有几个服务站", "有党群服务站吗" ask for sites around a place, not for one site.
_AROUND = re.compile(
    "附近|最近|周边|旁边|周围|一带|这边|那边|离|近的|近点|几个|多少个|哪几|哪些|有没有|都在|有.*[吗么嘛不]$"
)
_NAMED_MIN_SCORE = 0.6
_PUNCTUATION = re.compile(r"[\s，。？！、,.?!~～]")


def find_site_by_name(*, session: Session, text: str) -> Site | None:
    """The site whose name best matches `text`, or None when nothing matches well enough.

    An exact name wins; otherwise a place named in the text (community, street, landmark)
    narrows the candidates, and the closest name, helped by a kind word such as 服务站 or
    食堂, is chosen.
    """
    wanted = _clean(text)
    if not wanted:
        return None
    exact = _exact(session, wanted)
    if exact is not None:
        return exact
    best = _best(session, wanted, _candidates(session, wanted))
    return best[1] if best is not None and best[0] >= _MIN_SCORE else None


def named_site(*, session: Session, text: str) -> Site | None:
    """The one site a "where is" question names ("和顺社区党群服务中心在哪"), or None.

    Stricter than `find_site_by_name`: the text must name a kind of site and a known place (or
    be a site's exact name) and must not ask for sites around somewhere ("和顺社区附近的驿站",
    "有几个服务站"), which the nearest-site search answers.
    """
    wanted = _clean(text)
    if not wanted or _AROUND.search(_PUNCTUATION.sub("", text)):
        return None
    exact = _exact(session, wanted) or _named_within(session, wanted)
    if exact is not None:
        return exact
    place = _longest_place_in(session, wanted)
    if place is None or not _hinted_kinds(wanted):
        return None
    best = _best(session, wanted, _candidates(session, wanted, place))
    return best[1] if best is not None and best[0] >= _NAMED_MIN_SCORE else None


def _exact(session: Session, wanted: str) -> Site | None:
    return session.scalars(select(Site).where(Site.name == wanted).order_by(Site.id)).first()


def _named_within(session: Session, text: str) -> Site | None:
    """The site with the longest name written out in full inside `text` ("请问去XX驿站怎么走")."""
    query = (
        select(Site)
        .where(literal(text).like("%" + Site.name + "%"))
        .order_by(func.length(Site.name).desc(), Site.id)
    )
    return session.scalars(query).first()


def _best(session: Session, wanted: str, candidates: list[Site]) -> tuple[float, Site] | None:
    kinds = _hinted_kinds(wanted)
    best: tuple[float, Site] | None = None
    for site in candidates:
        score = SequenceMatcher(None, wanted, normalise_name(site.name)).ratio()
        if site.kind in kinds:
            score += _KIND_BONUS
        # Ties go to the shorter name: a community's own centre before its sub-sites.
        if best is None or (score, -len(site.name)) > (best[0], -len(best[1].name)):
            best = (score, site)
    return best


def _clean(text: str) -> str:
    cleaned = normalise_name(text)
    for tail in _TAILS:
        cleaned = cleaned.removesuffix(tail)
    return cleaned


def _hinted_kinds(text: str) -> tuple[str, ...]:
    for words, kinds in _KIND_HINTS:
        if any(word in text for word in words):
            return kinds
    return ()


def _candidates(session: Session, text: str, place: str | None = None) -> list[Site]:
    place = place or _longest_place_in(session, text)
    if place is not None:
        condition = or_(
            Site.community == place,
            Site.street == place,
            Site.name.contains(place, autoescape=True),
        )
    else:
        # No known place: sites sharing the first two characters are the plausible ones.
        condition = Site.name.contains(text[:2], autoescape=True)
    query = select(Site).where(condition).order_by(Site.id).limit(_MAX_CANDIDATES)
    return list(session.scalars(query))


def _longest_place_in(session: Session, text: str) -> str | None:
    names: set[str] = set(session.scalars(select(Place.name)))
    names.update(n for n in session.scalars(select(Site.community).distinct()) if n)
    names.update(n for n in session.scalars(select(Site.street).distinct()) if n)
    found = [name for name in names if name in text]
    return max(found, key=len) if found else None
