"""Gazetteer names and locating a typed place."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.sites.gazetteer import gazetteer_names, locate_place, normalise_name
from bot.sites.registry import PlaceRecord, upsert_places, upsert_sites
from tests.sites.factories import make_record


@pytest.fixture
def registry(db_session: Session) -> Session:
    upsert_places(
        session=db_session,
        places=[
            PlaceRecord("中山公园", "landmark", 22.70, 112.22),
            PlaceRecord("籍山镇", "street", 30.92, 118.33),
        ],
    )
    upsert_sites(
        session=db_session,
        records=[
            make_record(key="a", name="和顺社区党群服务中心", community="和顺社区", lat=30.90, lon=118.30),
            make_record(key="b", name="翠苑小区党群服务站", community="和顺社区", lat=30.92, lon=118.32),
            make_record(key="c", name="春谷路暖新驿站", community="春谷社区", street="春谷街道",
                        lat=30.95, lon=118.35),
        ],
    )  # fmt: skip
    return db_session


def test_gazetteer_names_hold_places_sites_communities_and_streets(registry: Session) -> None:
    names = gazetteer_names(session=registry)
    assert names == sorted(set(names))
    for name in ("中山公园", "籍山镇", "和顺社区党群服务中心", "和顺社区", "春谷社区", "春谷街道"):
        assert name in names


@pytest.mark.parametrize(
    ("typed", "point"),
    [
        ("中山公园", (22.70, 112.22)),
        ("中山公园附近", (22.70, 112.22)),
        ("籍山", (30.92, 118.33)),  # 籍山镇 without its suffix
        ("翠苑小区党群服务站", (30.92, 118.32)),
        ("和顺社区", (30.91, 118.31)),  # middle of the community's sites
        ("和顺", (30.91, 118.31)),
        ("春谷街道", (30.95, 118.35)),
    ],
)
def test_locate_place_finds_places_sites_and_communities(
    registry: Session, typed: str, point: tuple[float, float]
) -> None:
    found = locate_place(session=registry, name=typed)
    assert found is not None
    assert abs(found[0] - point[0]) < 1e-9 and abs(found[1] - point[1]) < 1e-9


@pytest.mark.parametrize("typed", ["火星基地", "", "  的  "])
def test_locate_place_returns_none_for_unknown_names(registry: Session, typed: str) -> None:
    assert locate_place(session=registry, name=typed) is None


def test_normalise_name_drops_spaces_punctuation_and_filler() -> None:
    assert normalise_name(" 和顺社区 的 服务站？") == "和顺社区服务站"
