"""nearest_offering (several services in one question) against a brute-force oracle."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session

from bot.sites.coords import haversine_m
from bot.sites.nearest import nearest_offering
from bot.sites.registry import upsert_sites
from tests.sites.factories import NANLING, make_record
from tests.sites.test_nearest import MONDAY_10H, World, world

__all__ = ["world"]  # the fixture, shared with test_nearest

COMBINATIONS = [("饮水", "手机充电"), ("长者食堂", "法律援助", "代办"), ("代办", "饮水")]


def oracle(world: World, lat: float, lon: float, wanted: tuple[str, ...], *, reach: float,
           limit: int) -> list[tuple[int, tuple[str, ...]]]:  # fmt: skip
    ranked = []
    for site_id, record in world.records.items():
        distance = haversine_m(lat, lon, record.lat, record.lon)
        matched = tuple(name for name in wanted if name in record.services)
        if distance <= reach and matched:
            ranked.append(((-len(matched), distance, site_id), (site_id, matched)))
    return [entry for _key, entry in sorted(ranked)[:limit]]


@pytest.mark.parametrize("wanted", COMBINATIONS)
def test_sites_offering_all_come_first_then_the_most_matches(
    db_session: Session, world: World, wanted: tuple[str, ...]
) -> None:
    rng = random.Random(len(wanted))
    for _ in range(10):
        lat, lon = NANLING[0] + rng.uniform(-0.02, 0.02), NANLING[1] + rng.uniform(-0.02, 0.02)
        found = nearest_offering(
            session=db_session, lat=lat, lon=lon, services=wanted, limit=4, at=MONDAY_10H
        )
        assert [(n.site.id, n.services) for n in found] == oracle(
            world, lat, lon, wanted, reach=1200, limit=4
        )
        assert all(n.within_reach for n in found)


def test_a_nearer_partial_match_comes_after_a_farther_full_one(db_session: Session) -> None:
    near = make_record(key="near", name="近的驿站", services=("饮水",))
    far = make_record(key="far", name="远一点的驿站", lat=NANLING[0] + 0.005,
                      services=("饮水", "手机充电"))  # fmt: skip
    upsert_sites(session=db_session, records=[near, far])
    found = nearest_offering(
        session=db_session, lat=NANLING[0], lon=NANLING[1], services=["手机充电", "饮水"]
    )
    assert [(n.site.name, n.services) for n in found] == [
        ("远一点的驿站", ("手机充电", "饮水")),  # in the order asked
        ("近的驿站", ("饮水",)),
    ]


def test_beyond_reach_it_searches_farther_like_nearest_any(db_session: Session) -> None:
    upsert_sites(
        session=db_session,
        records=[make_record(lat=NANLING[0] + 0.04, services=("饮水", "卫生间"))],  # ~4.4 km
    )
    [found] = nearest_offering(
        session=db_session, lat=NANLING[0], lon=NANLING[1], services=("饮水", "卫生间")
    )
    assert not found.within_reach and found.services == ("饮水", "卫生间")


def test_services_nobody_offers_give_nothing(db_session: Session, world: World) -> None:
    found = nearest_offering(session=db_session, lat=NANLING[0], lon=NANLING[1],
                             services=("家政服务", "调解"), max_distance_m=5_000)  # fmt: skip
    assert found == []
