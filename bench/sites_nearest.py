"""Benchmark (not a test): find_nearest on 100,000 synthetic sites in a fresh SQLite database.

Measures p50/p95 latency of `find_nearest` (plain, with a service, open now only) and of a
full-scan baseline (every site's coordinates read and measured) in the same run, on the same
query points, and checks that both return the same sites.

    .venv/bin/python bench/sites_nearest.py [--sites 100000] [--queries 500]

Layout: 50 towns at random places in eastern China, 2,000 sites each, uniform in a disc of
8 km radius (about 10 sites per km², so roughly 45 sites within a 1.2 km walk); queries fall
at random inside the towns. Each query gets its own Session, as a conversation turn would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bot import china_time
from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.db.sites import Service, Site, SiteHours, site_services
from bot.sites.cells import cell_key
from bot.sites.coords import haversine_m
from bot.sites.hours import parse_hours
from bot.sites.nearest import WALK_SPEED_M_PER_MIN, _Search, find_nearest
from bot.vocabulary import load_vocabulary

SEED = 42
TOWNS = 50
TOWN_RADIUS_M = 8_000
HOURS = [
    parse_hours("周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息"),
    parse_hours("每天 07:00-21:00"),
    parse_hours("每天 全天"),
    parse_hours("周一至周六 10:30-13:00,16:30-18:30; 周日 休息"),
]
AT = dt.datetime(2026, 11, 23, 19, 30, tzinfo=china_time.ZONE)  # a Monday evening


def offset(lat: float, lon: float, rng: random.Random, radius_m: float) -> tuple[float, float]:
    distance, angle = radius_m * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.sin(angle) / 111_195
    dlon = distance * math.cos(angle) / (111_195 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def populate(engine: Engine, count: int, rng: random.Random) -> list[tuple[float, float]]:
    services = list(load_vocabulary(Settings().vocabulary_file).services)
    towns = [(rng.uniform(23, 40), rng.uniform(105, 121)) for _ in range(TOWNS)]
    with engine.begin() as conn:
        conn.execute(insert(Service), [{"id": i + 1, "name": n} for i, n in enumerate(services)])
        for start in range(0, count, 10_000):
            sites: list[dict[str, object]] = []
            hours: list[dict[str, object]] = []
            links: list[dict[str, object]] = []
            for site_id in range(start + 1, min(start + 10_000, count) + 1):
                lat, lon = offset(*towns[site_id % TOWNS], rng, TOWN_RADIUS_M)
                template = rng.randrange(len(HOURS))
                sites.append({
                    "id": site_id, "key": f"bench-{site_id}", "name": f"站点{site_id}",
                    "kind": "党群服务站", "address": f"测试路{site_id}号", "lat": lat, "lon": lon,
                    "cell_key": cell_key(lat, lon), "hours_known": True, "holiday": "closed",
                    "sample": True,
                })  # fmt: skip
                for day, intervals in enumerate(HOURS[template].days):
                    hours.extend(
                        {"site_id": site_id, "weekday": day, "opens_min": a, "closes_min": b}
                        for a, b in intervals
                    )
                for service_id in rng.sample(range(1, len(services) + 1), k=4):
                    links.append({"site_id": site_id, "service_id": service_id})
            conn.execute(insert(Site), sites)
            conn.execute(insert(SiteHours), hours)
            conn.execute(insert(site_services), links)
    return towns


class FullScan(_Search):
    """The baseline: the same search and loading, but every site's coordinates are read and
    measured instead of those in the covering cells."""

    def _candidates(self, radius_m: float) -> list[tuple[float, int]]:
        query = select(Site.id, Site.lat, Site.lon)
        if self.service is not None:
            query = query.join(site_services).join(Service).where(Service.name == self.service)
        rows = self.session.connection().execute(query).all()
        found = [(haversine_m(self.lat, self.lon, a, b), i) for i, a, b in rows]
        return sorted(f for f in found if f[0] <= radius_m)


def full_scan(session: Session, lat: float, lon: float, service: str | None) -> list[int]:
    search = FullScan(session, lat, lon, service, AT, WALK_SPEED_M_PER_MIN, 1200.0)
    return [n.site.id for n in search.within(1200.0, 3, open_now_only=False)]


Timings = tuple[list[float], list[float]]  # wall-clock and CPU milliseconds per query


def timed(
    engine: Engine,
    points: list[tuple[float, float]],
    run: Callable[[Session, float, float], list[int]],
) -> tuple[Timings, list[list[int]]]:
    factory = make_session_factory(engine)
    wall: list[float] = []
    cpu: list[float] = []
    results: list[list[int]] = []
    for lat, lon in points:
        start, start_cpu = time.perf_counter(), time.process_time()
        with factory() as session:
            results.append(run(session, lat, lon))
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (wall, cpu), results


def summary(name: str, timings: Timings) -> str:
    wall, cpu = timings
    p95 = statistics.quantiles(wall, n=20)[18]
    cpu_p95 = statistics.quantiles(cpu, n=20)[18]
    return (
        f"| {name} | {len(wall)} | {statistics.median(wall):.2f} | {p95:.2f} "
        f"| {statistics.median(cpu):.2f} | {cpu_p95:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_to_head(engine)
        started = time.perf_counter()
        towns = populate(engine, args.sites, rng)
        print(f"populated {args.sites} sites in {time.perf_counter() - started:.1f} s")
        points = [offset(*rng.choice(towns), rng, TOWN_RADIUS_M) for _ in range(args.queries)]

        def nearest(service: str | None = None, open_now: bool = False) -> Callable[..., list[int]]:
            def run(session: Session, lat: float, lon: float) -> list[int]:
                found = find_nearest(session=session, lat=lat, lon=lon, service=service, at=AT,
                                     open_now_only=open_now)  # fmt: skip
                return [n.site.id for n in found]

            return run

        for warm_up in (nearest(), nearest("饮水"), nearest(open_now=True)):
            timed(engine, points[:100], warm_up)  # page cache, statement cache, code paths
        plain, plain_ids = timed(engine, points, nearest())
        with_service, service_ids = timed(engine, points, nearest("饮水"))
        open_now, _ = timed(engine, points, nearest(open_now=True))
        baseline_points = points[: args.baseline_queries]
        scan, scan_ids = timed(engine, baseline_points, lambda s, a, b: full_scan(s, a, b, None))
        scan_service, scan_service_ids = timed(
            engine, baseline_points, lambda s, a, b: full_scan(s, a, b, "饮水")
        )
        engine.dispose()
    assert scan_ids == plain_ids[: len(scan_ids)], "index and full scan disagree"
    assert scan_service_ids == service_ids[: len(scan_ids)], "index and full scan disagree"
    print("| query | n | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, times in [
        ("find_nearest (limit 3, 15 min)", plain),
        ("find_nearest, service=饮水", with_service),
        ("find_nearest, open_now_only", open_now),
        ("full scan baseline", scan),
        ("full scan baseline, service=饮水", scan_service),
    ]:
        print(summary(name, times))
    ratio = statistics.median(scan[0]) / statistics.median(plain[0])
    ratio_service = statistics.median(scan_service[0]) / statistics.median(with_service[0])
    hits = statistics.mean(len(ids) for ids in plain_ids)
    print(
        f"median speed-up over the full scan: {ratio:.0f}x (plain), {ratio_service:.0f}x (service)"
    )
    print(f"mean sites returned per plain query: {hits:.2f}")


if __name__ == "__main__":
    main()
