"""find_nearest / nearest_any against a brute-force oracle on seeded random sites."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import china_time
from bot.db.sites import Site
from bot.sites.cells import cell_key
from bot.sites.coords import haversine_m
from bot.sites.hours import HolidayPolicy, parse_hours
from bot.sites.nearest import NearbySite, find_nearest, nearest_any
from bot.sites.opening import opening_state
from bot.sites.records import SiteRecord
from bot.sites.registry import upsert_sites
from tests.sites.factories import NANLING, make_record

SERVICES = ("饮水", "代办", "法律援助", "长者食堂", "手机充电")
HOURS = ("每天 07:00-21:00", "周一至周五 08:30-12:00,14:00-21:00; 周六至周日 休息", "每天 全天")
MONDAY_10H = dt.datetime(2026, 11, 23, 10, 0, tzinfo=china_time.ZONE)
SUNDAY_22H = dt.datetime(2026, 11, 22, 22, 0, tzinfo=china_time.ZONE)


@dataclass
class World:
    records: dict[int, SiteRecord]  # by site id


def random_records(seed: int, count: int) -> list[SiteRecord]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        # About 5 km x 5 km around the centre: dense enough for several sites per walk.
        lat = NANLING[0] + rng.uniform(-0.025, 0.025)
        lon = NANLING[1] + rng.uniform(-0.03, 0.03)
        services = tuple(sorted(rng.sample(SERVICES, k=rng.randint(1, 3))))
        hours = parse_hours(rng.choice(HOURS))
        records.append(make_record(key=f"s{i}", name=f"站点{i}", lat=lat, lon=lon,
                                   services=services, hours=hours, holiday=HolidayPolicy.OPEN))  # fmt: skip
    return records


@pytest.fixture
def world(db_session: Session) -> World:
    records = random_records(seed=11, count=200)
    upsert_sites(session=db_session, records=records)
    ids: dict[str, int] = dict(db_session.execute(select(Site.key, Site.id)).all())
    return World({ids[r.key]: r for r in records})


def oracle(world: World, lat: float, lon: float, *, reach: float, limit: int, service: str | None = None,
           open_at: dt.datetime | None = None) -> list[tuple[int, float]]:  # fmt: skip
    found = []
    for site_id, record in world.records.items():
        distance = haversine_m(lat, lon, record.lat, record.lon)
        if distance > reach or (service and service not in record.services):
            continue
        if open_at and not (
            record.hours and opening_state(record.hours, record.holiday, open_at).open_now
        ):
            continue
        found.append((distance, site_id))
    return [(site_id, distance) for distance, site_id in sorted(found)[:limit]]


def ids_and_distances(found: list[NearbySite]) -> list[tuple[int, object]]:
    """Site ids with distances, compared with the oracle's up to float rounding."""
    return [(n.site.id, pytest.approx(n.distance_m)) for n in found]


def test_nearest_matches_brute_force_at_random_points(db_session: Session, world: World) -> None:
    rng = random.Random(5)
    for _ in range(40):
        lat, lon = NANLING[0] + rng.uniform(-0.03, 0.03), NANLING[1] + rng.uniform(-0.035, 0.035)
        limit = rng.randint(1, 6)
        found = find_nearest(session=db_session, lat=lat, lon=lon, limit=limit, at=MONDAY_10H)
        assert ids_and_distances(found) == oracle(world, lat, lon, reach=1200, limit=limit)


@pytest.mark.parametrize("service", SERVICES)
def test_nearest_with_service_matches_brute_force(
    db_session: Session, world: World, service: str
) -> None:
    rng = random.Random(hash(service) % 1000)
    for _ in range(10):
        lat, lon = NANLING[0] + rng.uniform(-0.02, 0.02), NANLING[1] + rng.uniform(-0.02, 0.02)
        found = find_nearest(session=db_session, lat=lat, lon=lon, service=service, limit=4)
        assert ids_and_distances(found) == oracle(
            world, lat, lon, reach=1200, limit=4, service=service
        )
        assert all(n.services == (service,) for n in found)


def test_open_now_only_skips_sites_closed_after_21h(db_session: Session, world: World) -> None:
    rng = random.Random(9)
    for _ in range(20):
        lat, lon = NANLING[0] + rng.uniform(-0.02, 0.02), NANLING[1] + rng.uniform(-0.02, 0.02)
        found = find_nearest(session=db_session, lat=lat, lon=lon, limit=3, at=SUNDAY_22H,
                             open_now_only=True)  # fmt: skip
        assert ids_and_distances(found) == oracle(world, lat, lon, reach=1200, limit=3,
                                                  open_at=SUNDAY_22H)  # fmt: skip
        assert all(n.open_now and n.closes_at is None for n in found)  # only 全天 sites are open


def test_large_walks_use_the_bounding_box_and_still_match(
    db_session: Session, world: World
) -> None:
    found = find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1], limit=50,
                         max_walk_minutes=150)  # fmt: skip
    assert ids_and_distances(found) == oracle(world, NANLING[0], NANLING[1], reach=12_000, limit=50)


def test_result_describes_walk_and_opening(db_session: Session, world: World) -> None:
    [first] = find_nearest(
        session=db_session, lat=NANLING[0], lon=NANLING[1], limit=1, at=MONDAY_10H
    )
    record = world.records[first.site.id]
    assert first.walk_minutes == max(1, -(-first.distance_m // 80))
    assert first.within_reach
    assert first.services == record.services
    assert first.open_now is True and first.opens_at is None


def test_nothing_within_reach_gives_an_empty_list_but_nearest_any_finds_beyond(
    db_session: Session, world: World
) -> None:
    far = (NANLING[0] + 0.06, NANLING[1])  # about 4 km north of the area
    assert find_nearest(session=db_session, lat=far[0], lon=far[1]) == []
    [nearest] = nearest_any(session=db_session, lat=far[0], lon=far[1])
    assert not nearest.within_reach
    assert ids_and_distances([nearest]) == oracle(world, far[0], far[1], reach=1e9, limit=1)


def test_nearest_any_returns_sites_within_reach_when_there_are_some(
    db_session: Session, world: World
) -> None:
    found = nearest_any(session=db_session, lat=NANLING[0], lon=NANLING[1], limit=2)
    assert [n.within_reach for n in found] == [True, True]


def test_nearest_any_gives_up_beyond_the_distance_limit(db_session: Session, world: World) -> None:
    assert nearest_any(session=db_session, lat=40.0, lon=116.0, max_distance_m=5_000) == []


def test_service_no_site_offers_gives_an_empty_list(db_session: Session, world: World) -> None:
    assert (
        find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1], service="家政服务") == []
    )


def test_site_with_unknown_hours_has_unknown_opening(db_session: Session) -> None:
    upsert_sites(session=db_session, records=[make_record(hours=None)])
    [found] = find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1])
    assert (found.open_now, found.closes_at, found.opens_at) == (None, None, None)
    assert (
        find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1], open_now_only=True) == []
    )


def test_sites_added_in_the_same_session_are_found_before_any_commit(db_session: Session) -> None:
    db_session.add(
        Site(key="new", name="新驿站", kind="党群驿站", address="某路1号", lat=NANLING[0],
             lon=NANLING[1], cell_key=cell_key(*NANLING), hours_known=False, holiday="open",
             sample=False)
    )  # fmt: skip
    [found] = find_nearest(session=db_session, lat=NANLING[0], lon=NANLING[1])
    assert found.site.name == "新驿站" and found.services == ()
