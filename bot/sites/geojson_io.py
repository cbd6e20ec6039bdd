"""Site files in GeoJSON (RFC 7946): a FeatureCollection of Point features, one per site.

Coordinates are `[lon, lat]`. RFC 7946 says WGS-84, and that is the default; data copied
from Chinese map providers is GCJ-02, so a file may declare `"crs": "GCJ-02"` as a top-level
member, and any feature may declare its own `crs` property (`"WGS-84"` or `"GCJ-02"`).
Properties: `name`, `kind`, `address`, `services` (list of names; synonyms from vocabulary.yml
are accepted), `phone` (required, may be null), and optionally `id` (the stable key; default
"name@address"), `level`, `street`, `community`, `grid`, `hours` (see `bot.sites.hours`),
`holiday` (closed/open/weekend), `accessibility`, `sample`. Export writes WGS-84 only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.sites.coords import Crs, parse_crs
from bot.sites.errors import SiteImportError
from bot.sites.hours import format_hours
from bot.sites.records import UNREADABLE, Problem, RecordReader, SiteRecord
from bot.vocabulary import Vocabulary

_LEGACY_CRS84 = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")


def parse_geojson(text: str, *, vocabulary: Vocabulary, source: str) -> list[SiteRecord]:
    """Every site in the file; raises SiteImportError listing all problems if there is any."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SiteImportError(source, [Problem("file", "json", str(exc))]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise SiteImportError(source, [Problem("file", "type", "must be a FeatureCollection")])
    features = document.get("features")
    if not isinstance(features, list):
        raise SiteImportError(source, [Problem("file", "features", "must be a list")])
    default_crs = _file_crs(document.get("crs"))
    if default_crs is None:
        problem = Problem("file", "crs", f"{document.get('crs')!r} is not WGS-84 or GCJ-02")
        raise SiteImportError(source, [problem])
    reader = RecordReader(vocabulary, default_crs=default_crs)
    records: list[SiteRecord] = []
    for number, feature in enumerate(features, start=1):
        raw = _raw_fields(feature, f"feature {number}", reader.problems)
        if raw is not None:
            record = reader.read(raw, f"feature {number}")
            if record is not None:
                records.append(record)
    if reader.problems:
        raise SiteImportError(source, reader.problems)
    return records


def dump_geojson(records: Sequence[SiteRecord]) -> str:
    features = [_feature(record) for record in records]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _file_crs(value: object) -> Crs | None:
    if value is None:
        return Crs.WGS84
    if isinstance(value, str):
        return parse_crs(value)
    # The 2008 GeoJSON form {"type": "name", "properties": {"name": "urn:…:CRS84"}}.
    if isinstance(value, dict) and isinstance(value.get("properties"), dict):
        name = value["properties"].get("name")
        if isinstance(name, str) and name in _LEGACY_CRS84:
            return Crs.WGS84
    return None


def _raw_fields(feature: object, where: str, problems: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.append(Problem(where, "type", "must be a Feature"))
        return None
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        problems.append(Problem(where, "properties", "must be an object"))
        return None
    raw: dict[str, Any] = dict(properties)
    geometry = feature.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        problems.append(Problem(where, "geometry", "must be a Point"))
        raw["lat"] = raw["lon"] = UNREADABLE
    elif not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        problems.append(Problem(where, "geometry", "coordinates must be [lon, lat]"))
        raw["lat"] = raw["lon"] = UNREADABLE
    else:
        raw["lon"], raw["lat"] = coordinates[0], coordinates[1]
    # Read the rest anyway so that one pass reports every problem of the feature.
    return raw


def _feature(record: SiteRecord) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": record.key,
        "name": record.name,
        "kind": record.kind,
        "level": record.level,
        "address": record.address,
        "street": record.street,
        "community": record.community,
        "grid": record.grid,
        "phone": record.phone,
        "hours": format_hours(record.hours) if record.hours is not None else None,
        "holiday": record.holiday.value,
        "services": list(record.services),
        "accessibility": record.accessibility,
        "crs": Crs.WGS84.value,
        "sample": record.sample,
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [record.lon, record.lat]},
        "properties": properties,
    }
