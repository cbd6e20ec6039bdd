"""The generated sample registry: size, determinism, plausibility, idempotent loading."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.sites import Place, Site
from bot.sites.coords import haversine_m
from bot.sites.registry import UpsertSummary
from bot.sites.sample import generate_sample, load_sample
from tests.sites.factories import vocabulary

TOWN_CENTRES = {
    "南陵县": (30.9197, 118.3347), "新兴县": (22.6960, 112.2250), "池州市": (30.6650, 117.4910),
    "奉新县": (28.6990, 115.3880), "秦都区": (34.3340, 108.7120), "新荣区": (40.2560, 113.1430),
}  # fmt: skip


def test_sample_has_at_least_300_sites_with_unique_names_and_keys() -> None:
    sites = generate_sample(vocabulary()).sites
    assert len(sites) >= 300
    assert len({s.name for s in sites}) == len(sites)
    assert len({s.key for s in sites}) == len(sites)


def test_sample_is_the_same_on_every_run() -> None:
    assert generate_sample(vocabulary()) == generate_sample(vocabulary())


def test_every_sample_site_is_labelled_sample_and_near_its_town() -> None:
    sample = generate_sample(vocabulary())
    towns = {p.name: p for p in sample.places if p.kind == "town"}
    assert set(TOWN_CENTRES) <= set(towns)
    per_town: Counter[str] = Counter()
    for site in sample.sites:
        assert site.sample
        town = next(t for t in TOWN_CENTRES if t in site.address)
        per_town[town] += 1
        assert haversine_m(site.lat, site.lon, *TOWN_CENTRES[town]) < 12_000
    assert set(per_town) == set(TOWN_CENTRES) and min(per_town.values()) >= 30


def test_sample_hours_include_evenings_lunch_breaks_and_closed_sundays() -> None:
    hours = [s.hours for s in generate_sample(vocabulary()).sites if s.hours is not None]
    assert any(any(end == 21 * 60 for _start, end in h.on(0)) for h in hours)
    assert any(len(h.on(0)) == 2 for h in hours)
    assert any(h.on(6) == () for h in hours)
    assert any(h.on(6) == ((0, 1440),) for h in hours)


def test_sample_covers_every_kind_level_and_many_services() -> None:
    sites = generate_sample(vocabulary()).sites
    assert {s.kind for s in sites} == {
        "党群服务中心",
        "党群服务站",
        "党群驿站",
        "暖新驿站",
        "长者食堂",
        "老人助餐点",
    }
    assert {s.level for s in sites} == {"县", "镇·街道", "社区", "小区"}
    assert len({name for s in sites for name in s.services}) >= 20
    assert all(s.phone and s.phone[:3] in ("055", "076", "056", "079", "029", "035") for s in sites)


def test_load_sample_twice_changes_nothing_the_second_time(db_session: Session) -> None:
    first, places = load_sample(session=db_session, vocabulary=vocabulary())
    again, places_again = load_sample(session=db_session, vocabulary=vocabulary())
    assert first.created >= 300 and places > 100
    assert (again, places_again) == (UpsertSummary(unchanged=first.created), 0)
    assert db_session.scalar(select(func.count()).select_from(Site)) == first.created
    assert db_session.scalar(select(func.count()).select_from(Place)) == places
