"""The sample registry: a deterministic generator over the hand-written tables in
`bot/data/sample_sites/` (six seed towns). Every site it makes is marked `sample: true`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from bot.sites.coords import EARTH_RADIUS_M
from bot.sites.errors import SiteImportError
from bot.sites.records import RecordReader, SiteRecord
from bot.sites.registry import PlaceRecord, UpsertSummary, upsert_places, upsert_sites
from bot.vocabulary import Vocabulary

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample_sites"
SEED = 20261123
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180
_NUMERALS = "一二三四五六七八九十"


@dataclass
class SampleRegistry:
    sites: list[SiteRecord]
    places: list[PlaceRecord]


def generate_sample(vocabulary: Vocabulary, source_dir: Path = SAMPLE_DIR) -> SampleRegistry:
    """The same sites and places on every call (fixed seed); checked like an imported file."""
    towns = _load(source_dir / "towns.yml")
    templates = _load(source_dir / "templates.yml")["kinds"]
    builder = _Builder(random.Random(SEED), templates, towns)
    for town in towns["towns"]:
        builder.town(town)
    reader = RecordReader(vocabulary)
    records = [reader.read(raw, f"sample site {raw['name']}") for raw in builder.raw_sites]
    if reader.problems:
        raise SiteImportError(str(source_dir), reader.problems)
    return SampleRegistry([r for r in records if r is not None], builder.places)


def load_sample(*, session: Session, vocabulary: Vocabulary) -> tuple[UpsertSummary, int]:
    """Upserts the sample sites and gazetteer places; running it twice changes nothing."""
    sample = generate_sample(vocabulary)
    summary = upsert_sites(session=session, records=sample.sites)
    return summary, upsert_places(session=session, places=sample.places)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class _Builder:
    rng: random.Random
    templates: dict[str, Any]
    tables: dict[str, Any]
    raw_sites: list[dict[str, Any]] = field(default_factory=list)
    places: list[PlaceRecord] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def town(self, town: dict[str, Any]) -> None:
        lat0, lon0 = town["centre"]
        for name in [town["name"], *town.get("aliases", [])]:
            self.places.append(PlaceRecord(name, "town", lat0, lon0))
        self.places.append(PlaceRecord(town["street"], "street", lat0, lon0))
        for name, offset in town["landmarks"].items():
            self.places.append(PlaceRecord(name, "landmark", *_shift(lat0, lon0, *offset)))
        first_road = next(iter(town["landmarks"]))
        ctx = {"town": town, "community": None, "road": first_road}
        self.site(ctx, "county_centre", f"{town['name']}党群服务中心", (lat0, lon0), 60)
        self.site(ctx, "street_centre", f"{town['street']}党群服务中心", (lat0, lon0), 400)
        for community in town["communities"]:
            self.community(town, community, (lat0, lon0))

    def community(self, town: dict[str, Any], community: dict[str, Any], centre: Any) -> None:
        name, village = community["name"], community["name"].endswith("村")
        point = _shift(*centre, *community["offset"])
        self.places.append(PlaceRecord(name, "community", *point))
        ctx = {"town": town, "community": name, "road": community["roads"][0]}
        self.site(ctx, "community_centre", f"{name}党群服务中心", point, 80)
        if self.rng.random() < 0.6:
            self.site(ctx, "canteen", f"{name}长者食堂", point, 400)
        else:
            self.site(ctx, "meal_point", f"{name}老人助餐点", point, 400)
        grids = [f"第{n}网格" for n in _NUMERALS[: 1 if village else self.rng.randint(3, 5)]]
        compounds = list(community.get("compounds", []))
        while len(compounds) < (1 if village else self.rng.randint(4, 5)):
            compounds.append(self._compound_name())
        for number, compound in enumerate(compounds):
            spot = _jitter(self.rng, point, 700)
            self.places.append(PlaceRecord(compound, "compound", *spot))
            ctx_c = ctx | {"compound": compound, "grid": grids[number % len(grids)]}
            self.site(ctx_c, "compound_station", f"{compound}党群服务站", spot, 30)
        for grid in grids:
            self.site(ctx | {"grid": grid}, "grid_post", f"{name}{grid}先锋驿站", point, 600)
        for road in [] if village else community["roads"][: self.rng.randint(1, 2)]:
            if f"{road}暖新驿站" not in self._names:
                self.site(ctx | {"road": road}, "warm_post", f"{road}暖新驿站", point, 800)

    def site(self, ctx: dict[str, Any], template: str, name: str, near: Any, spread: float) -> None:
        tpl, town, rng = self.templates[template], ctx["town"], self.rng
        self._names.add(name)
        hours, holiday = rng.choice(tpl["hours"])
        extras = rng.sample(tpl["extra_services"], k=min(len(tpl["extra_services"]), 3))
        lat, lon = _jitter(rng, near, spread)
        if "compound" in ctx:
            address = f"{ctx['compound']}{rng.randint(1, 12)}栋一楼"
        else:
            address = f"{ctx['road']}{rng.randint(1, 300)}号"
        self.raw_sites.append({
            "id": f"sample:{name}", "name": name, "kind": tpl["kind"],
            "level": _LEVELS[template], "address": f"{town['address_prefix']}{town['street']}{address}",
            "street": town["street"], "community": ctx["community"], "grid": ctx.get("grid"),
            "lat": lat, "lon": lon, "crs": "WGS-84", "phone": _phone(rng, town["area_code"]),
            "hours": hours, "holiday": holiday, "services": [*tpl["services"], *extras],
            "accessibility": rng.choice(tpl["accessibility"]), "sample": True,
        })  # fmt: skip

    def _compound_name(self) -> str:
        while True:
            words, suffixes = self.tables["compound_words"], self.tables["compound_suffixes"]
            name = f"{self.rng.choice(words)}{self.rng.choice(suffixes)}"
            if name not in self._names:
                self._names.add(name)
                return name


_LEVELS = {
    "county_centre": "县", "street_centre": "镇·街道", "community_centre": "社区",
    "canteen": "社区", "meal_point": "社区", "compound_station": "小区", "grid_post": "小区",
    "warm_post": "社区",
}  # fmt: skip


def _shift(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    dlat = north_m / _M_PER_DEG
    dlon = east_m / (_M_PER_DEG * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _jitter(rng: random.Random, point: tuple[float, float], radius_m: float) -> tuple[float, float]:
    # Uniform in a disc: the square root keeps the density even towards the rim.
    distance = radius_m * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    return _shift(point[0], point[1], distance * math.cos(angle), distance * math.sin(angle))


def _phone(rng: random.Random, area_code: str) -> str:
    # Fake landlines: 3-digit area codes have 8-digit numbers, 4-digit ones 7 digits.
    digits = 8 if len(area_code) == 3 else 7
    first = rng.choice("3456789"[: 7 if digits == 7 else 3])
    rest = "".join(rng.choice("0123456789") for _ in range(digits - 1))
    return f"{area_code}-{first}{rest}"
