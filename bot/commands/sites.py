"""`jiamenkou sites import|export|load-sample|nearest`: the service-site registry from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot import china_time
from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.errors import JiamenkouError
from bot.sites.coords import in_china
from bot.sites.hours import format_hours
from bot.sites.nearest import NearbySite, find_nearest
from bot.sites.sample import load_sample
from bot.sites.services import resolve_service
from bot.sites.transfer import export_site_file, import_site_file
from bot.vocabulary import load_vocabulary


class BadArgument(JiamenkouError):
    exit_code = 2
    default_message = "bad argument"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_sites = sub.add_parser("sites", help="service-site registry: import, export, query")
    sites_sub = p_sites.add_subparsers(dest="sites_command", required=True, metavar="SITES_COMMAND")

    p_import = sites_sub.add_parser("import", help="import a GeoJSON or CSV file (all or nothing)")
    p_import.add_argument("file", type=Path, help="a .geojson/.json or .csv file")
    p_import.set_defaults(handler=cmd_import)

    p_export = sites_sub.add_parser("export", help="export every site as GeoJSON or CSV (WGS-84)")
    p_export.add_argument("file", type=Path, help="a .geojson/.json or .csv file to write")
    p_export.set_defaults(handler=cmd_export)

    p_sample = sites_sub.add_parser("load-sample", help="load the generated sample registry")
    p_sample.set_defaults(handler=cmd_load_sample)

    p_near = sites_sub.add_parser("nearest", help="sites within a 15-minute walk, nearest first")
    p_near.add_argument("--lat", type=float, required=True, help="WGS-84 latitude")
    p_near.add_argument("--lon", type=float, required=True, help="WGS-84 longitude")
    p_near.add_argument("--service", help="a service name or synonym from vocabulary.yml")
    p_near.add_argument("--at", help="ISO-8601 time (default now; no offset = Asia/Shanghai)")
    p_near.add_argument("--limit", type=int, default=3, help="how many sites (default 3)")
    p_near.add_argument("--minutes", type=float, default=15, help="walking minutes (default 15)")
    p_near.add_argument("--open-now", action="store_true", help="only sites open at that time")
    p_near.add_argument("--json", action="store_true", help="print a JSON list")
    p_near.set_defaults(handler=cmd_nearest)


@contextmanager
def _transaction(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        with make_session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    vocabulary = load_vocabulary(settings.vocabulary_file)
    with _transaction(settings) as session:
        summary = import_site_file(args.file, session=session, vocabulary=vocabulary)
    print(
        f"imported {args.file}: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with _transaction(settings) as session:
        count = export_site_file(args.file, session=session)
    print(f"exported {count} sites to {args.file}")
    return 0


def cmd_load_sample(args: argparse.Namespace, settings: Settings) -> int:
    vocabulary = load_vocabulary(settings.vocabulary_file)
    with _transaction(settings) as session:
        summary, places = load_sample(session=session, vocabulary=vocabulary)
    print(
        f"sample registry (sample data, not real sites): {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged; {places} places changed"
    )
    return 0


def cmd_nearest(args: argparse.Namespace, settings: Settings) -> int:
    if not (math.isfinite(args.lat) and math.isfinite(args.lon) and in_china(args.lat, args.lon)):
        raise BadArgument(f"--lat {args.lat} --lon {args.lon} is not a point in China")
    if args.limit < 1:
        raise BadArgument("--limit must be at least 1")
    at = _parse_at(args.at)
    service = None
    if args.service is not None:
        service = resolve_service(load_vocabulary(settings.vocabulary_file), args.service)
    with _transaction(settings) as session:
        found = find_nearest(
            session=session, lat=args.lat, lon=args.lon, service=service, at=at,
            limit=args.limit, max_walk_minutes=args.minutes, open_now_only=args.open_now,
        )  # fmt: skip
        items = [nearby_json(n) for n in found]
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=1))
    else:
        for item in items:
            state = {True: "open", False: "closed", None: "hours unknown"}[item["open_now"]]
            print(f"{item['distance_m']:>6.0f} m  {item['walk_minutes']:>2} min  {state:<13} "
                  f"{item['name']}  {item['address']}  {item['phone'] or ''}")  # fmt: skip
        if not items:
            print("no site within reach")
    return 0


def nearby_json(nearby: NearbySite) -> dict[str, Any]:
    site = nearby.site
    iso: Callable[[dt.datetime | None], str | None] = lambda t: t.isoformat() if t else None  # noqa: E731
    return {
        "name": site.name, "kind": site.kind, "level": site.level, "address": site.address,
        "community": site.community, "grid": site.grid, "phone": site.phone,
        "lat": site.lat, "lon": site.lon, "distance_m": round(nearby.distance_m, 1),
        "walk_minutes": nearby.walk_minutes, "within_reach": nearby.within_reach,
        "open_now": nearby.open_now, "closes_at": iso(nearby.closes_at),
        "opens_at": iso(nearby.opens_at), "services": list(nearby.services),
        "hours": format_hours(site.hours) if site.hours is not None else None, "holiday": site.holiday.value,
        "accessibility": site.accessibility, "sample": site.sample,
    }  # fmt: skip


def _parse_at(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return china_time.to_china(dt.datetime.fromisoformat(text))
    except ValueError as exc:
        raise BadArgument(f"--at '{text}' is not an ISO-8601 time like 2026-10-01T10:00") from exc
